package dev.flexserve.ownerkit.corpus;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Splits documents into train / validation / test (90 / 5 / 5, at least one each) by a seeded shuffle. */
public final class Splits {
    private Splits() {
    }

    public record Split(List<String> train, List<String> valid, List<String> test) {
    }

    public static String describe() {
        return "Fisher-Yates shuffle with SplittableRandom(seed), then 5% test, 5% validation (at least one document each), rest train";
    }

    public static Split split(List<String> docs, long seed) {
        if (docs.size() < 3) {
            throw new IllegalArgumentException("need at least 3 documents to split, got " + docs.size());
        }
        List<String> shuffled = new ArrayList<>(docs);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = shuffled.size() - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            String t = shuffled.get(i);
            shuffled.set(i, shuffled.get(j));
            shuffled.set(j, t);
        }
        int n = shuffled.size();
        int held = Math.max(1, n / 20);
        return new Split(List.copyOf(shuffled.subList(2 * held, n)), List.copyOf(shuffled.subList(held, 2 * held)),
                List.copyOf(shuffled.subList(0, held)));
    }
}
