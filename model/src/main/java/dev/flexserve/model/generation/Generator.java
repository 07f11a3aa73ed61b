package dev.flexserve.model.generation;

import dev.flexserve.model.engine.Engine;
import dev.flexserve.model.engine.Expert;
import dev.flexserve.model.engine.ExpertUsage;
import dev.flexserve.model.engine.Sequence;
import dev.flexserve.model.sampling.Sampler;
import dev.flexserve.model.sampling.StopMatcher;
import dev.flexserve.model.tokenizer.TextStream;
import dev.flexserve.model.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/**
 * Runs completions to the end on an {@link Engine}: one batched prefill of all prompts, then decode steps in
 * which every unfinished sequence advances by one token, finished ones leaving the batch. A completion ends at
 * the end-of-text token (not part of the text), at a stop sequence (cut off before it), at max tokens, or when
 * the context is full. Only ids the tokenizer knows are sampled.
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

    public GenerationResult generate(GenerationRequest request) {
        return generate(List.of(request)).get(0);
    }

    public List<GenerationResult> generate(List<GenerationRequest> requests) {
        List<Running> running = new ArrayList<>();
        for (GenerationRequest r : requests) {
            if (tokenizer == null && !r.params().stop().isEmpty()) {
                throw new IllegalArgumentException("stop sequences need a model with a tokenizer");
            }
            if (r.prompt().length >= engine.config().maxPositionEmbeddings()) {
                throw new IllegalArgumentException("the prompt has " + r.prompt().length + " tokens; the context holds "
                        + engine.config().maxPositionEmbeddings() + " including at least one generated token");
            }
            running.add(new Running(r, engine.newSequence(r.allowedExperts(), r.prompt().length)));
        }
        List<Running> active = new ArrayList<>(running);
        List<int[]> next = new ArrayList<>();
        for (Running r : active) {
            next.add(r.request.prompt());
        }
        while (!active.isEmpty()) {
            float[][] logits = engine.forward(active.stream().map(r -> r.sequence).toList(), next, false);
            List<Running> still = new ArrayList<>();
            next = new ArrayList<>();
            for (int i = 0; i < active.size(); i++) {
                Running r = active.get(i);
                if (r.sequence.failed()) {
                    r.finish("error", true);
                    continue;
                }
                float[] candidates = logits[i].length == samplableTokens ? logits[i] : Arrays.copyOf(logits[i], samplableTokens);
                if (r.accept(r.sampler.next(candidates))) {
                    still.add(r);
                    next.add(new int[]{r.tokens.get(r.tokens.size() - 1)});
                }
            }
            active = still;
        }
        return running.stream().map(Running::result).toList();
    }

    private final class Running {
        final GenerationRequest request;
        final Sequence sequence;
        final int[] admitted;
        final Sampler sampler;
        final StopMatcher stops;
        final TextStream textStream;
        final StringBuilder text = new StringBuilder();
        final List<Integer> tokens = new ArrayList<>();
        String finishReason;

        Running(GenerationRequest request, Sequence sequence) {
            this.request = request;
            this.sequence = sequence;
            this.admitted = sequence.allowed();
            this.sampler = new Sampler(request.params());
            this.stops = new StopMatcher(request.params().stop());
            this.textStream = tokenizer == null ? null : tokenizer.newTextStream();
        }

        /** Takes the sampled token; returns whether the sequence continues. */
        boolean accept(int token) {
            tokens.add(token);
            if (eos.isPresent() && token == eos.getAsInt()) {
                return finish("stop", true);
            }
            if (textStream != null) {
                StopMatcher.Result emitted = stops.push(textStream.push(token));
                text.append(emitted.text());
                if (emitted.stopped()) {
                    return finish("stop", false);
                }
            }
            if (tokens.size() >= request.params().maxTokens()
                    || sequence.length() + 1 >= engine.config().maxPositionEmbeddings()) {
                return finish("length", true);
            }
            return true;
        }

        /** @param releaseHeldText whether text held back as a possible stop-sequence prefix belongs to the output */
        private boolean finish(String reason, boolean releaseHeldText) {
            finishReason = reason;
            if (textStream != null && releaseHeldText) {
                StopMatcher.Result tail = stops.push(textStream.flush());
                text.append(tail.text());
                if (!tail.stopped()) {
                    text.append(stops.flush());
                }
            }
            return false;
        }

        GenerationResult result() {
            return new GenerationResult(tokens.stream().mapToInt(Integer::intValue).toArray(),
                    textStream == null ? null : text.toString(), finishReason, request.prompt().length, attribution(),
                    sequence.drops(), sequence.failure());
        }

        private List<ExpertAttribution> attribution() {
            ExpertUsage usage = sequence.usage();
            int[] slots = admitted;
            double total = 0;
            for (int s : slots) {
                total += usage.generatedMass(s);
            }
            List<ExpertAttribution> out = new ArrayList<>();
            for (int s : slots) {
                Expert e = engine.experts().get(s);
                out.add(new ExpertAttribution(e.id(), e.owner(), e.version(),
                        total > 0 ? usage.generatedMass(s) / total : 0, usage.generatedTokens(s), usage.promptTokens(s)));
            }
            return out;
        }
    }
}
