package dev.flexserve.ownerkit.evaluation;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flexserve.model.engine.Engine;
import dev.flexserve.model.packages.ExpertPackage;
import dev.flexserve.model.packages.ModelSet;
import dev.flexserve.model.tokenizer.Tokenizer;
import dev.flexserve.ownerkit.OwnerKitException;
import dev.flexserve.ownerkit.embedding.DomainEmbedder;
import dev.flexserve.ownerkit.embedding.DomainEmbedding;
import dev.flexserve.ownerkit.packaging.PackageCommand;
import dev.flexserve.ownerkit.training.Torch;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The quality table of docs/quality.md: held-out bits per byte per domain for the public model, each expert with the
 * public model (2-expert), FlexOlmo with every expert (top-2 and all active), every single-expert opt-out, a BTM-style
 * top-2 ensemble of the 2-expert models weighted by the prompt's domain-embedding similarity, a dense model trained on
 * all the data with the same number of training tokens, and optionally the router-tuned (RT) model set.
 */
public final class Quality {
    /** Temperature of the softmax over cosine similarities that weights the BTM ensemble's two members. */
    public static final double BTM_TEMPERATURE = 0.1;
    /** The row of the plain merge with every expert allowed and the config's top-2. */
    public static final String FLEXOLMO_TOP2 = "FlexOlmo, all experts, top-2";

    public record Row(String name, Map<String, Double> bpb) {
        public double mean(List<String> domains) {
            return domains.stream().mapToDouble(bpb::get).average().orElse(Double.NaN);
        }
    }

    private final ModelSet models;
    private final ModelSet dense;
    private final Map<String, ModelSet> tuned;
    private final Map<String, TextChunks> texts;
    private final PrintStream log;

    /** {@code texts}: domain name to held-out chunks; the domain "public" is general text. */
    public Quality(ModelSet models, ModelSet dense, Map<String, ModelSet> tuned, Map<String, TextChunks> texts, PrintStream log) {
        this.models = models;
        this.dense = dense;
        this.tuned = tuned == null ? Map.of() : tuned;
        this.texts = texts;
        this.log = log;
    }

    public List<Row> run() {
        List<String> ids = models.experts().stream().map(ExpertPackage::id).toList();
        List<String> owners = ids.subList(1, ids.size());
        List<Row> rows = new ArrayList<>();
        Map<String, Map<String, List<double[]>>> pairLogProbs = new LinkedHashMap<>();
        Map<String, List<int[]>> tokens = tokens(models);
        try (Engine top2 = Engine.inProcess(models, 2, 1); Engine all = Engine.inProcess(models, ids.size(), 1)) {
            rows.add(row("public model alone", top2, tokens, List.of(ExpertPackage.PUBLIC_ID), null));
            for (String x : owners) {
                Map<String, List<double[]>> keep = new LinkedHashMap<>();
                rows.add(row("public + " + x + " (2-expert)", top2, tokens, List.of(ExpertPackage.PUBLIC_ID, x), keep));
                pairLogProbs.put(x, keep);
            }
            rows.add(row(FLEXOLMO_TOP2, top2, tokens, ids, null));
            rows.add(row("FlexOlmo, all experts, all active", all, tokens, ids, null));
            for (String x : owners) {
                List<String> without = ids.stream().filter(i -> !i.equals(x)).toList();
                rows.add(row("FlexOlmo top-2, opt-out " + x, top2, tokens, without, null));
            }
        }
        rows.add(btm(owners, pairLogProbs));
        if (dense != null) {
            try (Engine d = Engine.inProcess(dense, 1, 1)) {
                rows.add(row("dense, all data, same tokens", d, tokens(dense), List.of(ExpertPackage.PUBLIC_ID), null));
            }
        }
        for (Map.Entry<String, ModelSet> t : tuned.entrySet()) {
            List<String> tunedIds = t.getValue().experts().stream().map(ExpertPackage::id).toList();
            Map<String, List<int[]>> tunedTokens = tokens(t.getValue());
            try (Engine engine = Engine.inProcess(t.getValue(), 2, 1)) {
                rows.add(row(tunedTop2(t.getKey()), engine, tunedTokens, tunedIds, null));
                for (String x : tunedIds.subList(1, tunedIds.size())) {
                    rows.add(row("FlexOlmo + RT (" + t.getKey() + ") top-2, opt-out " + x, engine, tunedTokens,
                            tunedIds.stream().filter(i -> !i.equals(x)).toList(), null));
                }
            }
        }
        return rows;
    }

    /**
     * {@link RoutingShares} of the plain merge and of every tuned set, keyed like their "all experts, top-2" rows:
     * how often the router picks the pair each expert was trained in.
     */
    public Map<String, Map<String, Double>> routing() {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        try (NDManager root = Torch.start(1)) {
            out.put(FLEXOLMO_TOP2, RoutingShares.of(models, texts, root));
            tuned.forEach((label, set) -> out.put(tunedTop2(label), RoutingShares.of(set, texts, root)));
        }
        out.forEach((name, shares) -> log.printf("quality: routing of %-45s %s%n", name, shares));
        return out;
    }

    /** The held-out pieces' tokens under {@code set}'s tokenizer, per domain. */
    private Map<String, List<int[]>> tokens(ModelSet set) {
        Map<String, List<int[]>> out = new LinkedHashMap<>();
        try (Tokenizer tokenizer = set.trunk().openTokenizer()) {
            texts.forEach((domain, chunks) -> out.put(domain, chunks.tokens(tokenizer)));
        }
        return out;
    }

    /** The row of a router-tuned set with every expert allowed and top-2. */
    public static String tunedTop2(String label) {
        return "FlexOlmo + RT (" + label + "), all experts, top-2";
    }

    private Row row(String name, Engine engine, Map<String, List<int[]>> tokens, List<String> allowed,
                    Map<String, List<double[]>> keep) {
        long t0 = System.nanoTime();
        Map<String, Double> bpb = new LinkedHashMap<>();
        for (Map.Entry<String, TextChunks> t : texts.entrySet()) {
            List<double[]> lp = BitsPerByte.logProbs(engine, allowed, tokens.get(t.getKey()));
            bpb.put(t.getKey(), BitsPerByte.of(lp, t.getValue().bytes()));
            if (keep != null) {
                keep.put(t.getKey(), lp);
            }
        }
        log.printf("quality: %-55s %s (%.0f s)%n", name, bpb, (System.nanoTime() - t0) / 1e9);
        return new Row(name, bpb);
    }

    /**
     * BTM (Li et al., 2022) style: for each scored piece, the two 2-expert models whose owners' domain embeddings are
     * most similar (cosine, all-MiniLM-L6-v2) to the piece's own embedding, mixed in probability with weights
     * softmax(similarity / {@value #BTM_TEMPERATURE}) over the two. The piece itself is the prompt: an advantage
     * for BTM (it sees the text it scores when choosing).
     */
    private Row btm(List<String> owners, Map<String, Map<String, List<double[]>>> pairLogProbs) {
        long t0 = System.nanoTime();
        Map<String, float[]> embeddings = new LinkedHashMap<>();
        for (String x : owners) {
            embeddings.put(x, domainEmbedding(x));
        }
        Map<String, Double> bpb = new LinkedHashMap<>();
        for (Map.Entry<String, TextChunks> t : texts.entrySet()) {
            TextChunks chunks = t.getValue();
            double nats = 0;
            for (int c = 0; c < chunks.texts().size(); c++) {
                float[] e = DomainEmbedder.embed(chunks.texts().get(c));
                double[] sim = owners.stream().mapToDouble(x -> DomainEmbedder.cosine(e, embeddings.get(x))).toArray();
                int[] best = IntStream.range(0, owners.size()).boxed()
                        .sorted(Comparator.comparingDouble((Integer i) -> -sim[i])).limit(2).mapToInt(i -> i).toArray();
                double w0 = best.length < 2 ? 1.0 : 1 / (1 + Math.exp((sim[best[1]] - sim[best[0]]) / BTM_TEMPERATURE));
                double[] a = pairLogProbs.get(owners.get(best[0])).get(t.getKey()).get(c);
                double[] b = best.length > 1 ? pairLogProbs.get(owners.get(best[1])).get(t.getKey()).get(c) : a;
                for (int i = 0; i < a.length; i++) {
                    double p = w0 * Math.exp(a[i]) + (1 - w0) * Math.exp(b[i]);
                    nats -= Math.log(p);
                }
            }
            bpb.put(t.getKey(), nats / chunks.bytes() / Math.log(2));
        }
        log.printf("quality: %-55s %s (%.0f s)%n", "BTM top-2 ensemble", bpb, (System.nanoTime() - t0) / 1e9);
        return new Row("BTM top-2 ensemble of the 2-expert models", bpb);
    }

    private float[] domainEmbedding(String id) {
        ExpertPackage p = models.experts().stream().filter(e -> e.id().equals(id)).findFirst().orElseThrow();
        Path file = p.dir().resolve(PackageCommand.DOMAIN_EMBEDDING);
        if (!Files.isRegularFile(file)) {
            throw new OwnerKitException(p.dir() + ": no " + PackageCommand.DOMAIN_EMBEDDING + " beside the package (written by owner package); the BTM row needs it");
        }
        return DomainEmbedding.read(file).embedding();
    }

    public static String markdown(List<Row> rows, List<String> domains, List<String> closed) {
        StringBuilder s = new StringBuilder("| model | ");
        for (String d : domains) {
            s.append(d).append(" | ");
        }
        s.append("closed mean | all mean |\n|---|");
        for (int i = 0; i < domains.size() + 2; i++) {
            s.append("---:|");
        }
        s.append('\n');
        for (Row r : rows) {
            s.append("| ").append(r.name()).append(" | ");
            for (String d : domains) {
                s.append(String.format("%.3f", r.bpb().get(d))).append(" | ");
            }
            s.append(String.format("%.3f | %.3f |", r.mean(closed), r.mean(domains))).append('\n');
        }
        return s.toString();
    }

    public static String routingMarkdown(Map<String, Map<String, Double>> routing, List<String> domains) {
        StringBuilder s = new StringBuilder("| model |");
        domains.forEach(d -> s.append(' ').append(d).append(" |"));
        s.append("\n|---|").append("---:|".repeat(domains.size())).append('\n');
        routing.forEach((name, shares) -> {
            s.append("| ").append(name).append(" |");
            for (String d : domains) {
                Double share = shares.get(d);
                s.append(' ').append(share == null ? "-" : String.format("%.2f", share)).append(" |");
            }
            s.append('\n');
        });
        return s.toString();
    }

    public static ObjectNode json(List<Row> rows, Map<String, Map<String, Double>> routing) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode n = m.createObjectNode();
        ArrayNode a = n.putArray("rows");
        for (Row r : rows) {
            ObjectNode o = a.addObject();
            o.put("model", r.name());
            r.bpb().forEach(o.putObject("bits_per_byte")::put);
        }
        ArrayNode shares = n.putArray("routing_shares");
        routing.forEach((name, byDomain) -> {
            ObjectNode o = shares.addObject();
            o.put("model", name);
            byDomain.forEach(o.putObject("share")::put);
        });
        return n;
    }
}
