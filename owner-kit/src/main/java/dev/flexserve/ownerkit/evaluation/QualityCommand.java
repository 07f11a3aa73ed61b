package dev.flexserve.ownerkit.evaluation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flexserve.model.packages.ModelSet;
import dev.flexserve.ownerkit.OwnerKitException;
import dev.flexserve.ownerkit.corpus.Documents;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "quality", mixinStandardHelpOptions = true,
        description = {"The quality table (docs/quality.md): held-out bits per byte per domain for the public model, each 2-expert",
                "model, FlexOlmo (top-2, all), every opt-out, the BTM ensemble, the dense baseline and the RT model set;",
                "then how often the merged router picks each text's own expert with the public one."})
public final class QualityCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--models", required = true, description = "The FlexOlmo model set (trunk, public, experts).")
    Path models;

    @Option(names = "--dense", description = "The dense baseline model set.")
    Path dense;

    @Option(names = "--tuned", description = "Router-tuned (RT) model sets: <label>=<dir> (repeat).")
    Map<String, Path> tuned;

    @Option(names = "--text", required = true, description = "Held-out text per domain: <domain>=<file or dir> (repeat; 'public' is general text).")
    Map<String, Path> text;

    @Option(names = "--max-bytes", defaultValue = "32768", description = "Bytes scored per domain (default: ${DEFAULT-VALUE}).")
    long maxBytes;

    @Option(names = "--chunk", defaultValue = "0", description = "Bytes per scored piece (default: " + TextChunks.DEFAULT_CHUNK + ", or the context if smaller).")
    int chunk;

    @Option(names = "--samples", description = "The model set whose sample completions (Samples) follow the table (the platform's default).")
    Path samples;

    @Option(names = "--prompt", description = "A prompt per domain for the sample completions: <domain>=<text> (repeat).")
    Map<String, String> prompts;

    @Option(names = "--update", description = {"Also put the tables into this Markdown file, between the lines "
            + GeneratedSection.BEGIN + " and " + GeneratedSection.END + " (docs/quality.md)."})
    Path update;

    @Option(names = "--json", description = "Also write the table as JSON to this file.")
    Path json;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        if (!text.containsKey("public")) {
            throw new OwnerKitException("--text needs public=<general text>");
        }
        ModelSet set = ModelSet.load(models);
        if (chunk == 0) {
            chunk = Math.min(TextChunks.DEFAULT_CHUNK, set.trunk().config().maxPositionEmbeddings());
        }
        Map<String, TextChunks> chunks = new LinkedHashMap<>();
        chunks.put("public", TextChunks.of(Documents.read(text.get("public")), chunk, maxBytes));
        for (Map.Entry<String, Path> e : text.entrySet()) {
            if (!e.getKey().equals("public")) {
                chunks.put(e.getKey(), TextChunks.of(Documents.read(e.getValue()), chunk, maxBytes));
            }
        }
        Quality quality = new Quality(set, dense == null ? null : ModelSet.load(dense), loadTuned(), chunks, System.err);
        List<Quality.Row> rows = quality.run();
        Map<String, Map<String, Double>> routing = quality.routing();
        List<String> domains = new ArrayList<>(chunks.keySet());
        List<String> closed = domains.subList(1, domains.size());
        StringBuilder md = new StringBuilder(Quality.markdown(rows, domains, closed));
        md.append(String.format("%nRouting: share of decisions (scored token x layer) that select the public expert and the text's own%n"
                + "expert (public text: the public expert)%n%n"));
        md.append(Quality.routingMarkdown(routing, domains));
        Map<String, String> completions = Map.of();
        if (samples != null && prompts != null) {
            ModelSet sampled = ModelSet.load(samples);
            completions = Samples.of(sampled, List.copyOf(prompts.values()));
            md.append(String.format("%nSample completions of `%s` (all experts, top-%d; temperature %s, top-p %s, seed %d, %d tokens; ⏎ is a newline)%n%n",
                    samples.getFileName(), sampled.trunk().config().numExpertsPerTok(), Samples.PARAMS.temperature(),
                    Samples.PARAMS.topP(), Samples.PARAMS.seed(), Samples.PARAMS.maxTokens()));
            md.append(Samples.markdown(completions));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        md.append(String.format("%nbytes scored per domain: %s in pieces of at most %d bytes; run time %.0f s%n",
                chunks.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().bytes()).toList(), chunk, seconds));
        spec.commandLine().getOut().print(md);
        if (update != null) {
            GeneratedSection.replace(update, md.toString());
        }
        if (json != null) {
            ObjectNode n = Quality.json(rows, routing);
            n.put("seconds", seconds);
            n.put("max_bytes", maxBytes);
            n.put("chunk", chunk);
            completions.forEach(n.putObject("samples")::put);
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(json.toFile(), n);
        }
        return 0;
    }

    private Map<String, ModelSet> loadTuned() {
        Map<String, ModelSet> sets = new LinkedHashMap<>();
        if (tuned != null) {
            tuned.forEach((label, dir) -> sets.put(label, ModelSet.load(dir)));
        }
        return sets;
    }
}
