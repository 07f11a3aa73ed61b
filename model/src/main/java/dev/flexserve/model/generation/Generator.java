package dev.flexserve.model.generation;

import dev.flexserve.model.engine.Engine;
import dev.flexserve.model.engine.Sequence;
import dev.flexserve.model.sampling.SamplingParams;
import dev.flexserve.model.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/**
 * Turns requests into {@link Completion}s and advances them on an {@link Engine}. {@link #step} advances any set
 * of completions by one token each (the ones that need a prefill get it in a batched call of their own, the
 * others share one batched decode call), which is what a continuous-batching scheduler calls; {@link #generate}
 * runs a fixed set to the end. A completion ends at the end-of-text token (not part of the text), at a stop
 * sequence (cut off before it), at max tokens, when the context is full, or with an error when no allowed expert
 * is left. Only ids the tokenizer knows are sampled.
 */
public final class Generator {
    private final Engine engine;
    private final Tokenizer tokenizer;
    private final OptionalInt eos;
    private final int samplableTokens;

    /** @param tokenizer decodes the completion text; without one ({@link Tokenizer#handlesText()}) the text is null */
    public Generator(Engine engine, Tokenizer tokenizer) {
        this.engine = engine;
        this.tokenizer = tokenizer.handlesText() ? tokenizer : null;
        Integer configEos = engine.config().eosTokenId();
        this.eos = configEos != null ? OptionalInt.of(configEos) : tokenizer.eosTokenId();
        // Checkpoints pad vocab_size beyond the tokenizer (e.g. 100352 vs 100278); ids past the tokenizer have no text.
        this.samplableTokens = this.tokenizer != null ? tokenizer.vocabularySize() : engine.config().vocabSize();
    }

    public Engine engine() {
        return engine;
    }

    /**
     * Validates a request and creates its completion (no computation yet).
     *
     * @throws InvalidPromptException   see {@link #check}
     * @throws IllegalArgumentException for unknown experts or an empty expert set
     */
    public Completion start(GenerationRequest request) {
        check(request.prompt(), request.params());
        int context = engine.config().maxPositionEmbeddings();
        Sequence sequence = engine.newSequence(request.allowedExperts(), request.prompt().length);
        return new Completion(request, sequence, engine.experts(), tokenizer == null ? null : tokenizer.newTextStream(),
                eos, context);
    }

    /**
     * Whether this model can complete {@code prompt} with {@code params}, before any work is queued.
     *
     * @throws InvalidPromptException for a prompt that leaves no room in the context, ids outside the vocabulary, or
     *                                stop sequences without a tokenizer
     */
    public void check(int[] prompt, SamplingParams params) {
        if (tokenizer == null && !params.stop().isEmpty()) {
            throw new InvalidPromptException("stop sequences need a model with a tokenizer");
        }
        int context = engine.config().maxPositionEmbeddings();
        if (prompt.length >= context) {
            throw new InvalidPromptException("the prompt has " + prompt.length + " tokens; the context holds "
                    + context + " including at least one generated token");
        }
        for (int t : prompt) {
            if (t < 0 || t >= engine.config().vocabSize()) {
                throw new InvalidPromptException("token id " + t + " is outside the vocabulary (0.." + (engine.config().vocabSize() - 1) + ")");
            }
        }
    }

    /** Advances every unfinished completion by one token. */
    public void step(List<Completion> completions) {
        List<Completion> prefill = new ArrayList<>();
        List<Completion> decode = new ArrayList<>();
        for (Completion c : completions) {
            if (!c.finished()) {
                (c.needsPrefill() ? prefill : decode).add(c);
            }
        }
        forward(prefill);
        forward(decode);
    }

    private void forward(List<Completion> batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<Sequence> sequences = new ArrayList<>(batch.size());
        List<int[]> inputs = new ArrayList<>(batch.size());
        for (Completion c : batch) {
            sequences.add(c.sequence());
            inputs.add(c.nextInput());
        }
        float[][] logits = engine.forward(sequences, inputs, false);
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).advance(logits[i].length == samplableTokens ? logits[i] : Arrays.copyOf(logits[i], samplableTokens));
        }
    }

    public GenerationResult generate(GenerationRequest request) {
        return generate(List.of(request)).get(0);
    }

    public List<GenerationResult> generate(List<GenerationRequest> requests) {
        List<Completion> completions = requests.stream().map(this::start).toList();
        while (completions.stream().anyMatch(c -> !c.finished())) {
            step(completions);
        }
        return completions.stream().map(Completion::result).toList();
    }
}
