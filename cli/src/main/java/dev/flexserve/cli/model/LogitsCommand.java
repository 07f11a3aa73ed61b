package dev.flexserve.cli.model;

import dev.flexserve.cli.EngineOptions;
import dev.flexserve.cli.ExpertSelection;
import dev.flexserve.cli.Json;
import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.engine.Engine;
import dev.flexserve.model.engine.Sequence;
import dev.flexserve.model.packages.ModelSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * {@code flexserve model logits PACKAGES_DIR --tokens 1,2,3}: the model's raw output for token ids, for checking it
 * against a reference implementation. One prefill over the prompt with the logits of every position, then
 * {@code --generate N} greedy tokens, each decoded with the KV cache (one new position per step).
 */
@Command(name = "logits",
        mixinStandardHelpOptions = true,
        description = {"Run the model in process on token ids and print its logits: the full vector at the last prompt "
                + "position, the argmax at every prompt position, and optionally N greedy new tokens (decoded one at a "
                + "time with the KV cache).",
                "Works for every model, including those without a tokenizer."})
public final class LogitsCommand implements Callable<Integer> {
    private static final int TOP_SHOWN = 5;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PACKAGES_DIR", description = "Directory with one trunk and its expert packages.")
    Path dir;

    @Option(names = "--tokens", required = true, split = ",", paramLabel = "ID",
            description = "The prompt as comma-separated token ids, e.g. 1,2,3.")
    int[] tokens;

    @Option(names = "--generate", paramLabel = "N", defaultValue = "0",
            description = "Also generate N tokens greedily (default: ${DEFAULT-VALUE}).")
    int generate;

    @Option(names = "--json", description = "Print one JSON object with the full results (otherwise a short summary).")
    boolean json;

    @Mixin
    ExpertSelection experts;

    @Mixin
    EngineOptions engineOptions;

    /** Field names as printed: snake_case of the components. */
    public record Output(int[] tokens, List<String> allowed, int expertsPerToken, int[] argmaxPerPosition,
                         int[] greedyNewTokens, float[] lastLogits) {
    }

    @Override
    public Integer call() {
        if (tokens.length == 0) {
            throw new ParameterException(spec.commandLine(), "--tokens needs at least one token id");
        }
        if (generate < 0) {
            throw new ParameterException(spec.commandLine(), "--generate must be >= 0, got " + generate);
        }
        experts.checkArguments();
        engineOptions.checkArguments();
        ModelSet models = ModelSet.load(dir);
        List<String> allowed = experts.resolve(models);
        FlexOlmoConfig config = models.trunk().config();
        checkTokens(config);
        try (Engine engine = engineOptions.open(models)) {
            Output output = run(engine, allowed, config.vocabSize());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Json.print(out, output);
            } else {
                printSummary(out, output);
            }
        }
        return 0;
    }

    private void checkTokens(FlexOlmoConfig config) {
        int vocab = config.vocabSize();
        int[] outside = Arrays.stream(tokens).filter(t -> t < 0 || t >= vocab).distinct().toArray();
        if (outside.length > 0) {
            throw new IllegalArgumentException("--tokens: token id" + (outside.length == 1 ? " " : "s ")
                    + join(outside, ", ") + (outside.length == 1 ? " is" : " are") + " outside the vocabulary (0.."
                    + (vocab - 1) + ")");
        }
        // The last generated token is never fed back, so the context must hold the prompt and N - 1 new tokens.
        long positions = (long) tokens.length + Math.max(0, generate - 1);
        if (positions > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException(tokens.length + " prompt tokens and --generate " + generate
                    + " exceed the model's context of " + config.maxPositionEmbeddings() + " positions");
        }
    }

    private Output run(Engine engine, List<String> allowed, int vocab) {
        int n = tokens.length;
        Sequence sequence = engine.newSequence(allowed, n);
        float[] all = engine.forward(List.of(sequence), List.of(tokens.clone()), true)[0];
        int[] argmax = IntStream.range(0, n).map(p -> argmax(all, p * vocab, vocab)).toArray();
        float[] last = Arrays.copyOfRange(all, (n - 1) * vocab, n * vocab);
        int[] greedy = new int[generate];
        int next = argmax[n - 1];
        for (int i = 0; i < generate; i++) {
            greedy[i] = next;
            if (i + 1 < generate) {
                float[] logits = engine.forward(List.of(sequence), List.of(new int[]{next}), false)[0];
                next = argmax(logits, 0, vocab);
            }
        }
        return new Output(tokens.clone(), allowed, engine.expertsPerToken(), argmax, greedy, last);
    }

    /** The index of the largest value in {@code v[from, from + length)}; the lowest index wins ties. */
    static int argmax(float[] v, int from, int length) {
        int best = 0;
        for (int i = 1; i < length; i++) {
            if (v[from + i] > v[from + best]) {
                best = i;
            }
        }
        return best;
    }

    private void printSummary(PrintWriter out, Output o) {
        out.println("prompt:              " + o.tokens().length + " tokens");
        out.println("experts:             " + String.join(", ", o.allowed()) + " (top-" + o.expertsPerToken() + " per token)");
        out.println("argmax per position: " + join(o.argmaxPerPosition(), " "));
        if (o.greedyNewTokens().length > 0) {
            out.println("greedy new tokens:   " + join(o.greedyNewTokens(), " "));
        }
        float[] last = o.lastLogits();
        String top = IntStream.range(0, last.length).boxed()
                .sorted((a, b) -> Float.compare(last[b], last[a]))
                .limit(TOP_SHOWN)
                .map(i -> i + " (" + last[i] + ")")
                .collect(Collectors.joining(", "));
        out.println("top logits at last:  " + top);
        out.println("(--json prints the full logit vector)");
        out.flush();
    }

    private static String join(int[] values, String separator) {
        return Arrays.stream(values).mapToObj(Integer::toString).collect(Collectors.joining(separator));
    }
}
