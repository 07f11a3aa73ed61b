package dev.flexserve.ownerkit.tokenizer;

import dev.flexserve.model.tokenizer.HuggingFaceTokenizer;
import dev.flexserve.ownerkit.Owner;
import dev.flexserve.ownerkit.corpus.Documents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The BPE vocabulary the platform trains is read by the model library's Hugging Face tokenizer (the Rust library) as
 * it was learnt: merges never cross a word, the most frequent pair is merged first, any text round-trips, and the same
 * documents give the same file.
 */
class BpeTrainerTest {

    @Test
    void theMostFrequentPairIsMergedFirstAndNoMergeCrossesAWord() {
        // " aa" occurs 3 times as a word; "a a" across words is never a pair.
        BpeTrainer.Vocabulary v = BpeTrainer.train(List.of("aa aa aa b"), 258);
        assertThat(v.merges()).hasSize(1);
        assertThat(v.merges().get(0)).containsExactly('a', 'a');
        assertThat(v.endOfText()).isEqualTo(257);
    }

    @Test
    void theHuggingFaceTokenizerEncodesWithTheLearntMergesAndRoundTrips(@TempDir Path dir) throws Exception {
        List<String> docs = Documents.read(Owner.fixture("public.jsonl"));
        BpeTrainer.Vocabulary v = BpeTrainer.train(docs, 400);
        Path file = dir.resolve("tokenizer.json");
        BpeTrainer.write(v, file);
        assertThat(BpeTrainer.endOfText(file)).isEqualTo(399);
        try (HuggingFaceTokenizer t = new HuggingFaceTokenizer(file, OptionalInt.of(v.endOfText()))) {
            assertThat(t.vocabularySize()).isEqualTo(400);
            String text = docs.get(0);
            int[] ids = t.encode(text);
            assertThat(ids.length).isLessThan(text.length() / 2);
            assertThat(t.decode(ids)).isEqualTo(text);
            // Text the public documents never had (code, other scripts) still round-trips through the byte tokens.
            String foreign = "    return x->y; // \u00e9t\u00e9 \u4e2d\u6587\n\ttab";
            assertThat(t.decode(t.encode(foreign))).isEqualTo(foreign);
            // The first merge is the most frequent pair; a word made of it alone is one token.
            int[] first = v.merges().get(0);
            String pair = new String(new byte[]{(byte) first[0], (byte) first[1]}, java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(t.encode(pair)).containsExactly(256);
        }
        Path again = dir.resolve("again.json");
        BpeTrainer.write(BpeTrainer.train(docs, 400), again);
        assertThat(Files.readString(again)).isEqualTo(Files.readString(file));
    }

    @Test
    void aVocabularyWithoutRoomForAMergeIsRefused() {
        assertThatThrownBy(() -> BpeTrainer.train(List.of("text"), 257)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 258");
    }
}
