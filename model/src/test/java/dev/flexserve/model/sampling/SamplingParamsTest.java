package dev.flexserve.model.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class SamplingParamsTest {

    @Test
    void greedyHasNoFiltersAndNoStops() {
        SamplingParams greedy = SamplingParams.greedy(16);
        assertEquals(new SamplingParams(0, 0, 1.0, null, 16, List.of()), greedy);
        assertTrue(greedy.isGreedy());
    }

    @Test
    void acceptsTheLimitsOfEachRange() {
        new SamplingParams(2.0, 0, 1.0, 1L, 1, List.of("a", "b", "c", "d"));
        new SamplingParams(0.0, 50, Double.MIN_VALUE, null, 1, null);
    }

    @Test
    void rejectsOutOfRangeValuesNamingTheParameter() {
        assertMessage("temperature must be between 0 and 2, got 3.5", () -> params(3.5, 0, 1.0, 16, List.of()));
        assertMessage("temperature must be between 0 and 2, got -1", () -> params(-1, 0, 1.0, 16, List.of()));
        assertMessage("temperature must be between 0 and 2, got NaN", () -> params(Double.NaN, 0, 1.0, 16, List.of()));
        assertMessage("top_k must be >= 0, got -1", () -> params(1, -1, 1.0, 16, List.of()));
        assertMessage("top_p must be in (0, 1], got 0", () -> params(1, 0, 0.0, 16, List.of()));
        assertMessage("top_p must be in (0, 1], got 1.5", () -> params(1, 0, 1.5, 16, List.of()));
        assertMessage("max_tokens must be at least 1, got 0", () -> params(1, 0, 1.0, 0, List.of()));
        assertMessage("stop accepts at most 4 sequences, got 5",
                () -> params(1, 0, 1.0, 16, List.of("a", "b", "c", "d", "e")));
        assertMessage("stop sequences must be non-empty strings", () -> params(1, 0, 1.0, 16, List.of("a", "")));
    }

    @Test
    void keepsAnUnmodifiableCopyOfTheStops() {
        List<String> stops = new ArrayList<>(List.of("\n"));
        SamplingParams params = params(1, 0, 1.0, 16, stops);
        stops.add("END");
        assertEquals(List.of("\n"), params.stop());
        assertThrows(UnsupportedOperationException.class, () -> params.stop().add("x"));
        assertEquals(List.of(), params(1, 0, 1.0, 16, null).stop());
    }

    private static SamplingParams params(double temperature, int topK, double topP, int maxTokens, List<String> stop) {
        return new SamplingParams(temperature, topK, topP, null, maxTokens, stop);
    }

    private static void assertMessage(String expected, Executable construction) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, construction).getMessage());
    }
}
