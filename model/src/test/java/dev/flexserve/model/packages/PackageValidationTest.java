package dev.flexserve.model.packages;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.testing.TestModels;
import dev.flexserve.model.weights.InMemoryWeights;
import dev.flexserve.model.weights.RandomWeights;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Corrupt, mismatched and hostile packages are refused with a message that names the problem (DESIGN.md §3). */
class PackageValidationTest {
    @TempDir
    static Path root;
    static Path pristine;
    static FlexOlmoConfig config;
    static InMemoryWeights weights;

    @BeforeAll
    static void packages() {
        config = TestModels.config(4, 2, 3, 2);
        weights = RandomWeights.generate(config, 3);
        pristine = TestModels.write(root.resolve("pristine"), config, weights, null, 0, 1, 2);
    }

    @Test
    void pristineSetLoads() {
        ModelSet set = ModelSet.load(pristine);
        assertEquals(3, set.experts().size());
        assertEquals("public", set.experts().get(0).id());
    }

    @Test
    void tamperedFileFailsItsHash() throws IOException {
        Path copy = copy("tampered");
        Path graph = copy.resolve("expert-1").resolve(PackageFiles.ffn(1));
        byte[] bytes = Files.readAllBytes(graph);
        bytes[bytes.length - 10] ^= 1;
        Files.write(graph, bytes);
        assertRefused(copy, "expert-1", "layers/ffn_1.onnx fails its SHA-256 check");
    }

    @Test
    void missingFileIsNamed() throws IOException {
        Path copy = copy("missing");
        Files.delete(copy.resolve("trunk").resolve(PackageFiles.attention(0)));
        assertRefused(copy, "trunk", "layers/attention_0.onnx listed in the manifest is missing");
    }

    @Test
    void expertOfAnotherTrunkIsRefused(@TempDir Path other) throws IOException {
        InMemoryWeights otherWeights = RandomWeights.generate(config, 4);
        TestModels.write(other, config, otherWeights, null, 0, 1);
        Path copy = copy("foreign");
        deleteTree(copy.resolve("expert-1"));
        copyTree(other.resolve("expert-1"), copy.resolve("expert-1"));
        assertRefused(copy, "expert-1", "was built against trunk");
    }

    @Test
    void expertOfOtherDimensionsIsRefused() throws IOException {
        Path copy = copy("dims");
        editManifest(copy.resolve("expert-2"), m -> ((ObjectNode) m.get("dims")).put("hidden_size", 64));
        assertRefused(copy, "expert-2", "has hidden_size 64");
    }

    @Test
    void operatorOutsideTheAllowListIsRefused() throws IOException {
        Path copy = copy("hostile-op");
        rewriteGraph(copy.resolve("expert-2"), PackageFiles.ffn(0), g -> g.getNodeBuilder(0).setOpType("RandomNormalLike"));
        assertRefused(copy, "expert-2", "uses operator RandomNormalLike, outside the allow-list");
    }

    @Test
    void customOperatorDomainIsRefused() throws IOException {
        Path copy = copy("hostile-domain");
        rewriteGraph(copy.resolve("expert-2"), PackageFiles.ffn(0), g -> g.getNodeBuilder(0).setDomain("com.example.evil"));
        assertRefused(copy, "expert-2", "com.example.evil");
    }

    @Test
    void externalDataOutsideThePackageIsRefused() throws IOException {
        Path copy = copy("hostile-external");
        rewriteGraph(copy.resolve("expert-1"), PackageFiles.ffn(1), g -> g.getInitializerBuilder(0)
                .clearRawData()
                .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("location").setValue("../../trunk/trunk.safetensors")));
        assertRefused(copy, "expert-1", "outside the package");
    }

    @Test
    void manifestPathOutsideThePackageIsRefused() throws IOException {
        Path copy = copy("hostile-path");
        editManifest(copy.resolve("expert-1"), m -> ((ObjectNode) m.get("files")).put("../trunk/manifest.json", "00"));
        assertRefused(copy, "expert-1", "outside the package");
    }

    @Test
    void positiveBiasIsRefused(@TempDir Path dir) {
        float[][] bias = new float[3][];
        bias[1] = new float[]{0f, 0.5f};
        Exception e = assertThrows(PackageException.class, () -> TestModels.write(dir, config, weights, bias, 0, 1));
        assertThat(e.getMessage()).contains("router bias must be finite and <= 0, got 0.5");
    }

    @Test
    void publicExpertMustCarryTheTrunksRouterRows() throws IOException {
        Path copy = copy("public-rows");
        deleteTree(copy.resolve("public"));
        // expert-1's package relabelled as the public expert: right trunk, wrong router rows.
        copyTree(copy.resolve("expert-1"), copy.resolve("public"));
        editManifest(copy.resolve("public"), m -> m.put("id", "public"));
        deleteTree(copy.resolve("expert-1"));
        assertRefused(copy, "public", "public expert's router rows differ from the trunk's");
    }

    @Test
    void setWithoutPublicExpertIsRefused() throws IOException {
        Path copy = copy("no-public");
        deleteTree(copy.resolve("public"));
        Exception e = assertThrows(PackageException.class, () -> ModelSet.load(copy));
        assertThat(e.getMessage()).contains("no public expert package");
    }

    @Test
    void notAPackageIsRefused() throws IOException {
        Path dir = Files.createDirectories(root.resolve("empty"));
        Exception e = assertThrows(PackageException.class, () -> TrunkPackage.load(dir));
        assertThat(e.getMessage()).contains("no manifest.json");
    }

    private static void assertRefused(Path set, String packageName, String message) {
        Exception e = assertThrows(PackageException.class, () -> ModelSet.load(set));
        assertThat(e.getMessage()).contains(packageName).contains(message);
    }

    private interface GraphEdit {
        void apply(OnnxMl.GraphProto.Builder graph);
    }

    private interface ManifestEdit {
        void apply(ObjectNode manifest);
    }

    /** Edits a graph as an attacker would, and re-hashes it so that only the graph check can catch it. */
    private static void rewriteGraph(Path pkg, String file, GraphEdit edit) throws IOException {
        Path path = pkg.resolve(file);
        OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(path)).toBuilder();
        edit.apply(model.getGraphBuilder());
        Files.write(path, model.build().toByteArray());
        String hash = ContentHash.ofFile(path);
        editManifest(pkg, m -> ((ObjectNode) m.get("files")).put(file, hash));
    }

    private static void editManifest(Path pkg, ManifestEdit edit) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode m = (ObjectNode) json.readTree(pkg.resolve(Manifest.FILE).toFile());
        edit.apply(m);
        json.writeValue(pkg.resolve(Manifest.FILE).toFile(), m);
    }

    private static Path copy(String name) throws IOException {
        Path target = root.resolve(name);
        copyTree(pristine, target);
        return target;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
