package dev.flexserve.ownerkit.evaluation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flexserve.model.engine.Engine;
import dev.flexserve.model.packages.ExpertPackage;
import dev.flexserve.model.packages.ModelSet;
import dev.flexserve.model.tokenizer.Tokenizer;
import dev.flexserve.ownerkit.OwnerKitException;
import dev.flexserve.ownerkit.corpus.Documents;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Bits per byte of a text file (or .jsonl / directory of documents) under a model set and an expert set.")
public final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--models", required = true, description = "The model set directory.")
    Path models;

    @Option(names = "--text", required = true, description = "The text to score.")
    Path text;

    @Option(names = "--allow", split = ",", description = "Allowed expert ids (default: all).")
    List<String> allow;

    @Option(names = "--top-k", defaultValue = "0", description = "Experts per token (default: the model's config).")
    int topK;

    @Option(names = "--chunk", defaultValue = "0", description = "Bytes per scored piece, <= the context (default: " + TextChunks.DEFAULT_CHUNK + ", or the context if smaller).")
    int chunk;

    @Option(names = "--max-bytes", defaultValue = "1000000", description = "Score at most this many bytes (default: ${DEFAULT-VALUE}).")
    long maxBytes;

    @Option(names = "--json", description = "Print JSON instead of a line of text.")
    boolean json;

    @Override
    public Integer call() {
        ModelSet set = ModelSet.load(models);
        if (chunk == 0) {
            chunk = Math.min(TextChunks.DEFAULT_CHUNK, set.trunk().config().maxPositionEmbeddings());
        }
        if (chunk < 1 || chunk > set.trunk().config().maxPositionEmbeddings()) {
            throw new IllegalArgumentException("--chunk must be between 1 and the context (" + set.trunk().config().maxPositionEmbeddings() + ")");
        }
        if (allow != null) {
            for (String id : allow) {
                if (set.experts().stream().noneMatch(e -> e.id().equals(id))) {
                    throw new OwnerKitException("unknown expert '" + id + "'; the model set has "
                            + set.experts().stream().map(ExpertPackage::id).toList());
                }
            }
        }
        TextChunks chunks = TextChunks.of(Documents.read(text), chunk, maxBytes);
        long t0 = System.nanoTime();
        double bpb;
        try (Engine engine = Engine.inProcess(set, topK, 1)) {
            List<int[]> tokens;
            try (Tokenizer tokenizer = set.trunk().openTokenizer()) {
                tokens = chunks.tokens(tokenizer);
            }
            bpb = BitsPerByte.of(engine, allow, tokens, chunks.bytes());
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (json) {
            ObjectNode n = new ObjectMapper().createObjectNode();
            n.put("models", models.toString());
            n.put("text", text.toString());
            n.putPOJO("allowed", allow == null ? set.experts().stream().map(ExpertPackage::id).toList() : allow);
            n.put("top_k", topK > 0 ? topK : set.trunk().config().numExpertsPerTok());
            n.put("bytes", chunks.bytes());
            n.put("bits_per_byte", bpb);
            n.put("seconds", seconds);
            spec.commandLine().getOut().println(n.toString());
        } else {
            spec.commandLine().getOut().printf("%.4f bits/byte over %d bytes (%.1f s)%n", bpb, chunks.bytes(), seconds);
        }
        return 0;
    }
}
