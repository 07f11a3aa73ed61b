package dev.flexserve.ownerkit.evaluation;

import ai.djl.ndarray.NDManager;
import dev.flexserve.model.engine.Engine;
import dev.flexserve.model.engine.Sequence;
import dev.flexserve.model.packages.ExpertPackage;
import dev.flexserve.model.packages.ModelSet;
import dev.flexserve.model.tokenizer.Tokenizer;
import dev.flexserve.ownerkit.Owner;
import dev.flexserve.ownerkit.corpus.Documents;
import dev.flexserve.ownerkit.packaging.PackageWeights;
import dev.flexserve.ownerkit.packaging.Signatures;
import dev.flexserve.ownerkit.training.Torch;
import dev.flexserve.ownerkit.training.TorchFlexOlmo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The committed demo models (models/) keep what docs/quality.md measured, on held-out text (the fixtures: none of it is
 * in any training split), with margins taken from the numbers (see each constant and quality.md). {@code flexolmo} is
 * the owners' signed packages merged as they are; {@code flexolmo-rt} is the same experts after the platform's router
 * tuning with proxy samples (FlexOlmo's RT). Also: the packages verify, the owners' signatures verify against the
 * committed keys, and the served function equals the DJL training forward on the trained weights (top-2 of 5).
 */
class CommittedModelsTest {
    static final List<String> OWNERS = List.of("code", "legal", "math", "scripture");
    /** The plain merge beats the public model on every closed domain by at least this (smallest: scripture, 0.28 in quality.md). */
    static final double PLAIN_CLOSED_GAIN = 0.1;
    /** The RT model beats the public model on every closed domain by at least this (smallest: scripture, 0.29). */
    static final double CLOSED_GAIN = 0.1;
    /** The RT model stays within this of the public model on public text (+0.18 in quality.md). */
    static final double PUBLIC_TOLERANCE = 0.35;
    /** Opting an expert out of the RT model costs its own domain at least this (smallest: scripture, +0.17) ... */
    static final double OPT_OUT_OWN_COST = 0.08;
    /** ... and moves every other domain by at most this (largest: 0.11). */
    static final double OPT_OUT_OTHERS = 0.25;

    static ModelSet models;
    static Map<String, TextChunks> texts = new LinkedHashMap<>();

    @BeforeAll
    static void load() {
        models = ModelSet.load(Owner.committedModels("flexolmo"));
        texts.put("public", TextChunks.of(Documents.read(Owner.fixture("public.jsonl")), 128, 1 << 20));
        for (String d : OWNERS) {
            texts.put(d, TextChunks.of(Documents.read(Owner.fixture(d + ".jsonl")), 128, 1 << 20));
        }
    }

    static Map<String, Double> bpb(Engine engine, List<String> allowed) {
        Map<String, Double> out = new LinkedHashMap<>();
        try (Tokenizer tokenizer = models.trunk().openTokenizer()) {
            texts.forEach((d, c) -> out.put(d, BitsPerByte.of(engine, allowed, c.tokens(tokenizer), c.bytes())));
        }
        return out;
    }

    @Test
    void theCommittedSetIsTheTrainedFlexOlmoModel() {
        assertThat(models.experts().stream().map(ExpertPackage::id)).containsExactly("public", "code", "legal", "math", "scripture");
        assertThat(models.trunk().config().numExperts()).isEqualTo(5);
        assertThat(models.trunk().config().numExpertsPerTok()).isEqualTo(2);
        for (String id : OWNERS) {
            ExpertPackage p = models.experts().stream().filter(e -> e.id().equals(id)).findFirst().orElseThrow();
            var key = Signatures.readPublic(Owner.committedModels("owner-keys").resolve(id + ".pub"));
            assertThat(Signatures.verify(p.dir(), key).contentHash()).isEqualTo(p.hash());
        }
        assertThat(ModelSet.load(Owner.committedModels("dense")).trunk().config().hiddenSize()).isEqualTo(64);
    }

    @Test
    void flexOlmoBeatsThePublicModelOnEveryClosedDomainAndStaysCloseOnPublicText() {
        ModelSet tuned = ModelSet.load(Owner.committedModels("flexolmo-rt"));
        try (Engine plain = Engine.inProcess(models, 2, 1)) {
            Map<String, Double> pub = bpb(plain, List.of("public"));
            Map<String, Double> flex = bpb(plain, models.experts().stream().map(ExpertPackage::id).toList());
            System.err.println("committed models: plain merge " + flex);
            for (String d : OWNERS) {
                assertThat(flex.get(d)).as("plain merge, " + d).isLessThan(pub.get(d) - PLAIN_CLOSED_GAIN);
            }
        }
        List<String> all = tuned.experts().stream().map(ExpertPackage::id).toList();
        try (Engine engine = Engine.inProcess(tuned, 2, 1)) {
            Map<String, Double> pub = bpb(engine, List.of("public"));
            Map<String, Double> flex = bpb(engine, all);
            System.err.println("committed models: public " + pub + "\ncommitted models: flexolmo-rt " + flex);
            for (String d : OWNERS) {
                assertThat(flex.get(d)).as(d).isLessThan(pub.get(d) - CLOSED_GAIN);
            }
            assertThat(Math.abs(flex.get("public") - pub.get("public"))).as("public text").isLessThan(PUBLIC_TOLERANCE);

            for (String x : OWNERS) {
                Map<String, Double> out = bpb(engine, all.stream().filter(i -> !i.equals(x)).toList());
                System.err.println("committed models: opt-out " + x + " " + out);
                assertThat(out.get(x)).as("own domain without " + x).isGreaterThan(flex.get(x) + OPT_OUT_OWN_COST);
                for (String d : texts.keySet()) {
                    if (!d.equals(x)) {
                        assertThat(Math.abs(out.get(d) - flex.get(d))).as(d + " without " + x).isLessThan(OPT_OUT_OTHERS);
                    }
                }
            }
        }
    }

    /**
     * Issue 3 asks that FlexOlmo beat the BTM ensemble on average. At this scale it does not (quality.md: 2.90 vs 2.41
     * bits per byte for the RT model, 3.20 for the plain merge): this test holds the measured order, so that a change
     * that closes the gap shows up here and the claim can be turned around.
     */
    @Test
    void theBtmEnsembleStillBeatsFlexOlmoAtThisScale() {
        Quality q = new Quality(models, null, Map.of("proxy", ModelSet.load(Owner.committedModels("flexolmo-rt"))), texts, System.err);
        List<Quality.Row> rows = q.run();
        List<String> domains = new ArrayList<>(texts.keySet());
        double btm = rows.stream().filter(r -> r.name().startsWith("BTM")).findFirst().orElseThrow().mean(domains);
        double rt = rows.stream().filter(r -> r.name().equals(Quality.tunedTop2("proxy"))).findFirst().orElseThrow().mean(domains);
        double plain = rows.stream().filter(r -> r.name().equals(Quality.FLEXOLMO_TOP2)).findFirst().orElseThrow().mean(domains);
        System.err.printf("committed models: mean bpb BTM %.3f, FlexOlmo+RT %.3f, FlexOlmo %.3f%n", btm, rt, plain);
        assertThat(rt).isLessThan(plain);
        assertThat(btm).isLessThan(rt);
    }

    @Test
    void committedPackagesComputeTheTrainedFunction() throws Exception {
        PackageWeights weights = new PackageWeights(models.trunk(), models.experts());
        int[] input;
        try (Tokenizer tokenizer = models.trunk().openTokenizer()) {
            input = TextChunks.input(texts.get("code").tokens(tokenizer).get(0), models.trunk().config().eosTokenId());
        }
        float[] served;
        try (Engine engine = Engine.inProcess(models, 2, 1)) {
            Sequence s = engine.newSequence(null, input.length);
            served = engine.forward(List.of(s), List.of(input), true)[0];
        }
        long[] tokens = new long[input.length];
        for (int i = 0; i < input.length; i++) {
            tokens[i] = input[i];
        }
        try (NDManager root = Torch.start(1);
             TorchFlexOlmo model = new TorchFlexOlmo(weights.config(), weights, weights.bias(), root);
             NDManager step = root.newSubManager()) {
            float[] trained = model.forward(step, tokens, 1, input.length, null).toFloatArray();
            int v = weights.config().vocabSize();
            for (int p = 0; p < input.length; p++) {
                double diff = 0;
                double ref = 0;
                for (int j = 0; j < v; j++) {
                    diff = Math.max(diff, Math.abs(trained[p * v + j] - served[p * v + j]));
                    ref = Math.max(ref, Math.abs(served[p * v + j]));
                }
                assertThat(diff / ref).as("position " + p).isLessThan(1e-4);
            }
        }
    }
}
