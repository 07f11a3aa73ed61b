package dev.flexserve.ownerkit.tokenizer;

import dev.flexserve.model.tokenizer.HuggingFaceTokenizer;
import dev.flexserve.ownerkit.OwnerKitException;
import dev.flexserve.ownerkit.corpus.Documents;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

@Command(name = "train-tokenizer", mixinStandardHelpOptions = true,
        description = {"Platform side: learn a byte-level BPE vocabulary from public text and write it as a Hugging Face",
                "tokenizer.json (for train-public --tokenizer). Deterministic: the same documents give the same file."})
public final class TrainTokenizerCommand implements Callable<Integer> {
    @Option(names = "--docs", required = true, description = "Public text: a text file, a .jsonl file or a directory.")
    Path docs;

    @Option(names = "--vocab", defaultValue = "4096", description = "Vocabulary size: 256 bytes + merges + end-of-text (default: ${DEFAULT-VALUE}).")
    int vocab;

    @Option(names = "--out", required = true, description = "The tokenizer.json to write (must not exist).")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (Files.exists(out)) {
            throw new OwnerKitException(out + " already exists; choose a new --out");
        }
        List<String> documents = Documents.read(docs);
        long t0 = System.nanoTime();
        BpeTrainer.Vocabulary v = BpeTrainer.train(documents, vocab);
        Path tmp = out.resolveSibling("." + out.getFileName() + ".partial");
        BpeTrainer.write(v, tmp);
        long bytes = 0;
        long tokens = 0;
        try (HuggingFaceTokenizer t = new HuggingFaceTokenizer(tmp, OptionalInt.of(v.endOfText()))) {
            for (String d : documents) {
                bytes += d.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                tokens += t.encode(d).length;
            }
        }
        Files.move(tmp, out, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        System.err.printf("train-tokenizer: %d ids (%d merges) from %d documents in %.1f s; %.2f bytes per token on them; wrote %s%n",
                v.size(), v.merges().size(), documents.size(), (System.nanoTime() - t0) / 1e9, (double) bytes / tokens, out);
        return 0;
    }
}
