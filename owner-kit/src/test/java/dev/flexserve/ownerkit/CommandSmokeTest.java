package dev.flexserve.ownerkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flexserve.model.packages.ModelSet;
import dev.flexserve.ownerkit.embedding.RoutingSpace;
import dev.flexserve.ownerkit.packaging.Packages;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A smoke-size run of every command, in the order an owner and the platform use them: train-public, domain-embedding,
 * train-expert (with --public-mix), keygen, package, verify, evaluate, tune-router, quality. Corpora is covered by its
 * cleaning and splitting tests and its help (it needs the registries, which tests do not).
 */
class CommandSmokeTest {

    @Test
    void everyCommandRunsAtSmokeSize() throws Exception {
        Path publicSet = TinyModels.publicSet();
        Path root = TinyModels.root().resolve("smoke");
        Files.createDirectories(root);
        assertThat(ModelSet.load(publicSet).experts()).hasSize(1);
        assertThat(ModelSet.load(publicSet).trunk().manifest().files()).containsKey(RoutingSpace.FILE);

        Owner.Result emb = Owner.run("domain-embedding", "--docs", Owner.fixture("legal.jsonl").toString(), "--public",
                publicSet.toString(), "--sample", "3", "--windows", "4", "--length", "16", "--out", root.resolve("legal.json").toString());
        assertThat(emb.exit()).as(emb.err()).isZero();
        JsonNode e = new ObjectMapper().readTree(root.resolve("legal.json").toFile());
        assertThat(e.get("embedding")).hasSize(384);
        assertThat(e.get("router_rows")).hasSize(2);
        assertThat(e.get("router_rows").get(0)).hasSize(16);
        assertThat(e.get("router_bias")).hasSize(2);

        Owner.Result train = Owner.run(TinyModels.tinyArgs("train-expert", "--public", publicSet.toString(),
                "--docs", Owner.fixture("legal.jsonl").toString(), "--domain-embedding", root.resolve("legal.json").toString(),
                "--public-mix", "0.25", "--public-docs", Owner.fixture("public.jsonl").toString(),
                "--steps", "3", "--out", root.resolve("trained-legal").toString()));
        assertThat(train.exit()).as(train.err()).isZero();
        assertThat(train.progress()).contains("train-expert: step 3/3").contains("tok/s").contains("ETA");

        assertThat(Owner.run("keygen", root.resolve("owner").toString()).exit()).isZero();
        Path set = root.resolve("set");
        Packages.copyTree(publicSet, set);
        Owner.Result pkg = Owner.run("package", "--trained", root.resolve("trained-legal").toString(), "--public", publicSet.toString(),
                "--id", "legal", "--owner", "acme", "--key", root.resolve("owner.key").toString(), "--out", set.resolve("legal").toString());
        assertThat(pkg.exit()).as(pkg.err()).isZero();
        assertThat(pkg.out()).contains("package legal").contains("signed by");

        Owner.Result verify = Owner.run("verify", set.resolve("legal").toString(), "--key", root.resolve("owner.pub").toString());
        assertThat(verify.exit()).as(verify.err()).isZero();
        assertThat(verify.out()).startsWith("ok legal");

        Owner.Result eval = Owner.run("evaluate", "--models", set.toString(), "--text", Owner.fixture("legal.jsonl").toString(),
                "--allow", "public,legal", "--max-bytes", "300", "--json");
        assertThat(eval.exit()).as(eval.err()).isZero();
        JsonNode ev = new ObjectMapper().readTree(eval.out());
        assertThat(ev.get("bits_per_byte").asDouble()).isBetween(0.5, 12.0);
        assertThat(ev.get("bytes").asLong()).isEqualTo(300);

        Owner.Result rt = Owner.run(TinyModels.tinyArgs("tune-router", "--models", set.toString(), "--public-docs",
                Owner.fixture("public.jsonl").toString(), "--steps", "2", "--out", root.resolve("set-rt").toString()));
        assertThat(rt.exit()).as(rt.err()).isZero();
        assertThat(ModelSet.load(root.resolve("set-rt")).experts()).hasSize(2);

        Owner.Result q = Owner.run("quality", "--models", set.toString(), "--tuned", "public text=" + root.resolve("set-rt"),
                "--dense", publicSet.toString(), "--text", "public=" + Owner.fixture("public.jsonl"),
                "--text", "legal=" + Owner.fixture("legal.jsonl"), "--max-bytes", "256");
        assertThat(q.exit()).as(q.err()).isZero();
        assertThat(q.out()).contains("| public model alone |").contains("BTM").contains("opt-out legal").contains("dense")
                .contains("RT").contains("Routing:").containsPattern("\\| FlexOlmo, all experts, top-2 \\| \\d\\.\\d\\d \\| \\d\\.\\d\\d \\|\\n");

        Path tokenizer = root.resolve("tokenizer.json");
        Owner.Result tok = Owner.run("train-tokenizer", "--docs", Owner.fixture("public.jsonl").toString(), "--vocab", "300",
                "--out", tokenizer.toString());
        assertThat(tok.exit()).as(tok.err()).isZero();
        assertThat(tok.progress()).contains("300 ids (43 merges)");
        Path bpeSet = root.resolve("bpe-set");
        Owner.Result bpe = Owner.run(TinyModels.tinyArgs("train-public", "--docs", Owner.fixture("public.jsonl").toString(),
                "--tokenizer", tokenizer.toString(), "--steps", "2", "--centroid-windows", "4", "--out", bpeSet.toString()));
        assertThat(bpe.exit()).as(bpe.err()).isZero();
        assertThat(ModelSet.load(bpeSet).trunk().config().vocabSize()).isEqualTo(300);
        assertThat(ModelSet.load(bpeSet).trunk().config().eosTokenId()).isEqualTo(299);
        Owner.Result bpeEval = Owner.run("evaluate", "--models", bpeSet.toString(), "--text", Owner.fixture("legal.jsonl").toString(),
                "--max-bytes", "300", "--json");
        assertThat(bpeEval.exit()).as(bpeEval.err()).isZero();
        assertThat(new ObjectMapper().readTree(bpeEval.out()).get("bytes").asLong()).isEqualTo(300);

        Owner.Result help = Owner.run("corpora", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("<out-dir>");
    }
}
