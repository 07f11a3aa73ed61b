package dev.flexserve.model.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flexserve.model.sampling.StopMatcher.Result;
import java.util.List;
import org.junit.jupiter.api.Test;

class StopMatcherTest {

    @Test
    void findsAStopSplitAcrossPushes() {
        StopMatcher matcher = new StopMatcher(List.of("###"));
        assertEquals(new Result("Hello ", false), matcher.push("Hello #"));
        assertEquals(new Result("", false), matcher.push("#"));
        assertEquals(new Result("", true), matcher.push("# and more"));
        assertEquals(new Result("", true), matcher.push("after the stop"));
        assertEquals("", matcher.flush());
    }

    @Test
    void releasesAHeldBackPrefixThatDoesNotBecomeAStop() {
        StopMatcher matcher = new StopMatcher(List.of("###"));
        assertEquals(new Result("a", false), matcher.push("a##"));
        assertEquals(new Result("##b", false), matcher.push("b"));
        assertEquals(new Result("c", false), matcher.push("c#"));
        assertEquals("#", matcher.flush());
    }

    @Test
    void cutsAtTheEarliestOfSeveralStops() {
        StopMatcher matcher = new StopMatcher(List.of("END", "\n\n"));
        assertEquals(new Result("one", false), matcher.push("one\n"));
        assertEquals(new Result("", true), matcher.push("\ntwo END"));

        StopMatcher sameChunk = new StopMatcher(List.of("END", "\n\n"));
        assertEquals(new Result("x", true), sameChunk.push("xEND\n\ny"));
    }

    @Test
    void holdsTheLongestPossibleBeginningOfAnyStop() {
        StopMatcher matcher = new StopMatcher(List.of("aab", "xyz"));
        StringBuilder emitted = new StringBuilder();
        for (String piece : List.of("a", "a", "a", "b")) {
            Result result = matcher.push(piece);
            emitted.append(result.text());
            assertEquals(piece.equals("b"), result.stopped());
        }
        assertEquals("a", emitted.toString());

        StopMatcher overlapping = new StopMatcher(List.of("abc", "bcd"));
        assertEquals(new Result("", false), overlapping.push("ab"));
        assertEquals(new Result("", true), overlapping.push("cd"));
    }

    @Test
    void passesTextThroughWithoutStops() {
        StopMatcher matcher = new StopMatcher(List.of());
        assertEquals(new Result("anything ###", false), matcher.push("anything ###"));
        assertEquals("", matcher.flush());
    }
}
