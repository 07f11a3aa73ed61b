package dev.flexserve.ownerkit.evaluation;

import dev.flexserve.model.engine.Engine;
import dev.flexserve.model.generation.GenerationRequest;
import dev.flexserve.model.generation.GenerationResult;
import dev.flexserve.model.generation.Generator;
import dev.flexserve.model.packages.ModelSet;
import dev.flexserve.model.sampling.SamplingParams;
import dev.flexserve.model.tokenizer.Tokenizer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sample completions of a model set with every expert allowed and the config's top-k, as the platform serves them
 * (the model library's {@link Generator}): reproducible (a fixed seed per prompt), so docs/quality.md shows the same text
 * on every run.
 */
public final class Samples {
    /** Sampling as the README's examples would: a little below temperature 1, nucleus 0.9. */
    public static final SamplingParams PARAMS = new SamplingParams(0.7, 0, 0.9, 1L, 48, List.of());

    private Samples() {
    }

    /** Prompt to completion text, in the prompts' order. */
    public static Map<String, String> of(ModelSet set, List<String> prompts) {
        Map<String, String> out = new LinkedHashMap<>();
        try (Engine engine = Engine.inProcess(set, 0, 1); Tokenizer tokenizer = set.trunk().openTokenizer()) {
            Generator generator = new Generator(engine, tokenizer);
            for (String p : prompts) {
                GenerationResult r = generator.generate(new GenerationRequest(tokenizer.encode(p), PARAMS, null));
                out.put(p, r.text());
            }
        }
        return out;
    }

    public static String markdown(Map<String, String> samples) {
        StringBuilder s = new StringBuilder("| prompt | completion |\n|---|---|\n");
        samples.forEach((p, c) -> s.append("| ").append(cell(p)).append(" | ").append(cell(c)).append(" |\n"));
        return s.toString();
    }

    private static String cell(String text) {
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "⏎").replace("`", "\\`");
    }
}
