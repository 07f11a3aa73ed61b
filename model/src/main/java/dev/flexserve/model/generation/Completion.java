package dev.flexserve.model.generation;

import dev.flexserve.model.engine.Expert;
import dev.flexserve.model.engine.ExpertDrop;
import dev.flexserve.model.engine.ExpertUsage;
import dev.flexserve.model.engine.Sequence;
import dev.flexserve.model.sampling.Sampler;
import dev.flexserve.model.sampling.StopMatcher;
import dev.flexserve.model.tokenizer.TextStream;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * One request on its way through the engine: its sequence, sampler, stop rules, the tokens and text so far, and
 * the experts admitted for it. Created and advanced by {@link Generator}; owned by one thread at a time.
 *
 * <p>A completion can be restarted on a new sequence ({@link #restart}): the next step then prefills the prompt
 * and everything generated so far, so the new cache is computed only with the experts the new sequence allows.
 * Attribution adds up the generated tokens of every sequence the completion ran on.
 */
public final class Completion {
    private final GenerationRequest request;
    private final List<Expert> admitted;
    private final int[] admittedSlots;
    private final Sampler sampler;
    private final StopMatcher stops;
    private final TextStream textStream;
    private final OptionalInt eos;
    private final int contextLength;
    private final StringBuilder text = new StringBuilder();
    private final List<Integer> tokens = new ArrayList<>();
    private final List<Sequence> previous = new ArrayList<>();
    private Sequence sequence;
    private boolean needsPrefill = true;
    private String delta = "";
    private String finishReason;

    Completion(GenerationRequest request, Sequence sequence, List<Expert> slots, TextStream textStream,
               OptionalInt eos, int contextLength) {
        this.request = request;
        this.sequence = sequence;
        this.admittedSlots = sequence.allowed();
        this.admitted = new ArrayList<>();
        for (int s : admittedSlots) {
            admitted.add(slots.get(s));
        }
        this.sampler = new Sampler(request.params());
        this.stops = new StopMatcher(request.params().stop());
        this.textStream = textStream;
        this.eos = eos;
        this.contextLength = contextLength;
    }

    public GenerationRequest request() {
        return request;
    }

    public Sequence sequence() {
        return sequence;
    }

    /** How many tokens have been generated so far (no copy: schedulers ask every step). */
    public int tokenCount() {
        return tokens.size();
    }

    /** The most recently generated token id. */
    public int lastToken() {
        return tokens.get(tokens.size() - 1);
    }

    /** Generated token ids so far. */
    public int[] tokens() {
        return tokens.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Text that became final in the last step (empty while a possible stop sequence is held back). */
    public String delta() {
        return delta;
    }

    public boolean finished() {
        return finishReason != null;
    }

    /**
     * Continues on {@code fresh}, a new sequence with (typically) fewer allowed experts: the next step
     * re-prefills the prompt and the generated tokens on it.
     */
    public void restart(Sequence fresh) {
        previous.add(sequence);
        sequence = fresh;
        needsPrefill = true;
    }

    boolean needsPrefill() {
        return needsPrefill;
    }

    /** The positions the next forward must compute for this completion. */
    int[] nextInput() {
        if (!needsPrefill) {
            return new int[]{lastToken()};
        }
        int[] prompt = request.prompt();
        int[] all = new int[prompt.length + tokens.size()];
        System.arraycopy(prompt, 0, all, 0, prompt.length);
        for (int i = 0; i < tokens.size(); i++) {
            all[prompt.length + i] = tokens.get(i);
        }
        return all;
    }

    /** Takes the logits of the step: samples, applies the stop rules, and records the new text. */
    void advance(float[] candidates) {
        needsPrefill = false;
        delta = "";
        if (sequence.failed()) {
            finish("error", true);
            return;
        }
        int token = sampler.next(candidates);
        tokens.add(token);
        if (eos.isPresent() && token == eos.getAsInt()) {
            finish("stop", true);
            return;
        }
        if (textStream != null) {
            StopMatcher.Result emitted = stops.push(textStream.push(token));
            append(emitted.text());
            if (emitted.stopped()) {
                finish("stop", false);
                return;
            }
        }
        if (tokens.size() >= request.params().maxTokens() || sequence.length() + 1 >= contextLength) {
            finish("length", true);
        }
    }

    /** @param releaseHeldText whether text held back as a possible stop-sequence prefix belongs to the output */
    private void finish(String reason, boolean releaseHeldText) {
        finishReason = reason;
        if (textStream != null && releaseHeldText) {
            StopMatcher.Result tail = stops.push(textStream.flush());
            append(tail.text());
            if (!tail.stopped()) {
                append(stops.flush());
            }
        }
    }

    private void append(String piece) {
        text.append(piece);
        delta += piece;
    }

    public GenerationResult result() {
        List<ExpertDrop> drops = new ArrayList<>();
        previous.forEach(s -> drops.addAll(s.drops()));
        drops.addAll(sequence.drops());
        return new GenerationResult(tokens(), textStream == null ? null : text.toString(), finishReason,
                request.prompt().length, attribution(), drops, sequence.failure());
    }

    private List<ExpertAttribution> attribution() {
        List<Sequence> all = new ArrayList<>(previous);
        all.add(sequence);
        double total = 0;
        for (int s : admittedSlots) {
            for (Sequence seq : all) {
                total += seq.usage().generatedMass(s);
            }
        }
        ExpertUsage first = all.get(0).usage();
        List<ExpertAttribution> out = new ArrayList<>();
        for (int i = 0; i < admittedSlots.length; i++) {
            int s = admittedSlots[i];
            double mass = 0;
            int generated = 0;
            for (Sequence seq : all) {
                mass += seq.usage().generatedMass(s);
                generated += seq.usage().generatedTokens(s);
            }
            Expert e = admitted.get(i);
            // Prompt positions count once: a restart's re-prefill recomputes them but adds no new prompt.
            out.add(new ExpertAttribution(e.id(), e.owner(), e.version(), total > 0 ? mass / total : 0,
                    generated, first.promptTokens(s)));
        }
        return out;
    }
}
