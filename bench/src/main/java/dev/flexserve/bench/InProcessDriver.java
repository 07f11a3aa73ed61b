package dev.flexserve.bench;

import dev.flexserve.model.generation.Completion;
import dev.flexserve.model.generation.GenerationRequest;
import dev.flexserve.model.generation.Generator;
import dev.flexserve.model.sampling.SamplingParams;

import java.util.ArrayList;
import java.util.List;

/** N streams on the in-process engine, stepped together as the router's scheduler steps them. */
final class InProcessDriver {
    private final Generator generator;

    InProcessDriver(Generator generator) {
        this.generator = generator;
    }

    LatencyStats run(List<int[]> prompts, int maxTokens) {
        List<Completion> completions = new ArrayList<>();
        for (int[] p : prompts) {
            completions.add(generator.start(new GenerationRequest(p, SamplingParams.greedy(maxTokens), null)));
        }
        long[] last = new long[completions.size()];
        int[] seen = new int[completions.size()];
        List<Long> gaps = new ArrayList<>();
        long start = System.nanoTime();
        while (completions.stream().anyMatch(c -> !c.finished())) {
            generator.step(completions);
            long now = System.nanoTime();
            for (int i = 0; i < completions.size(); i++) {
                int n = completions.get(i).tokenCount();
                if (n > seen[i]) {
                    if (seen[i] > 0) {
                        gaps.add(now - last[i]);
                    }
                    last[i] = now;
                    seen[i] = n;
                }
            }
        }
        long wall = System.nanoTime() - start;
        long tokens = 0;
        for (int s : seen) {
            tokens += s;
        }
        return LatencyStats.of(prompts.size(), tokens, wall, gaps.stream().mapToLong(Long::longValue).toArray());
    }
}
