package dev.flexserve.model.hf;

import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.packages.AtomicDirectory;
import dev.flexserve.model.packages.ExpertPackage;
import dev.flexserve.model.packages.PackageWriter;
import dev.flexserve.model.packages.TokenizerAsset;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a Hugging Face FlexOlmo checkpoint into FlexServe packages: one trunk and one expert package per expert,
 * expert 0 as {@code public} and expert i as {@code expert-<i>}. The whole set is written all or nothing
 * ({@link AtomicDirectory}), so a failed import leaves nothing behind.
 */
public final class HfImporter {
    private HfImporter() {
    }

    public record Result(Path out, FlexOlmoConfig config, String trunkHash, List<String> experts) {
    }

    public static String expertId(int index) {
        return index == 0 ? ExpertPackage.PUBLIC_ID : "expert-" + index;
    }

    public static Result importCheckpoint(Path checkpointDir, Path out, long externalThresholdBytes) throws IOException {
        return AtomicDirectory.write(out, tmp -> {
            try (HfCheckpoint ckpt = HfCheckpoint.open(checkpointDir)) {
                FlexOlmoConfig config = ckpt.config();
                String source = "hf:" + checkpointDir.toAbsolutePath().normalize().getFileName();
                PackageWriter writer = new PackageWriter(config, externalThresholdBytes);
                TokenizerAsset tokenizer = ckpt.tokenizer() != null ? TokenizerAsset.huggingFace(ckpt.tokenizer()) : TokenizerAsset.none();
                String trunkHash = writer.writeTrunk(tmp.resolve("trunk"), ckpt, tokenizer,
                        new PackageWriter.Metadata(source, "public", "as the source checkpoint", "trunk imported from " + source));
                List<String> ids = new ArrayList<>();
                for (int e = 0; e < config.numExperts(); e++) {
                    String id = expertId(e);
                    writer.writeExpert(tmp.resolve(id), id, ckpt, e, null, trunkHash,
                            new PackageWriter.Metadata(source, e == 0 ? "public" : "imported", "as the source checkpoint",
                                    "expert " + e + " imported from " + source));
                    ids.add(id);
                }
                return new Result(out, config, trunkHash, ids);
            }
        });
    }
}
