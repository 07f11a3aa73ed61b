package dev.flexserve.cli.generate;

import dev.flexserve.cli.DefaultModels;
import dev.flexserve.cli.EngineOptions;
import dev.flexserve.cli.ExpertSelection;
import dev.flexserve.cli.Json;
import dev.flexserve.cli.gateway.GatewayClient;
import dev.flexserve.model.engine.Engine;
import dev.flexserve.model.generation.ExpertAttribution;
import dev.flexserve.model.generation.GenerationRequest;
import dev.flexserve.model.generation.GenerationResult;
import dev.flexserve.model.generation.Generator;
import dev.flexserve.model.packages.ModelSet;
import dev.flexserve.model.sampling.SamplingParams;
import dev.flexserve.model.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code flexserve generate --models DIR "prompt"}: one completion, computed in this process; or with
 * {@code --url} by a running platform, through its gateway's OpenAI API with a bearer token.
 */
@Command(name = "generate",
        mixinStandardHelpOptions = true,
        description = {"Complete a prompt with the model in this process (--models) or on a running platform (--url) "
                + "and print the completion text (with --json: the whole result, with usage and the attribution of "
                + "every allowed expert).",
                "The model needs a tokenizer; for a model without one use 'flexserve model logits'."})
public final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--models", paramLabel = "DIR",
            description = "Directory with one trunk and its expert packages. Default (without --url): the trained demo models, "
                    + DefaultModels.PATH + ".")
    Path models;

    @Option(names = "--url", paramLabel = "URL",
            description = "A running platform's gateway (see 'flexserve up'), e.g. http://127.0.0.1:8080.")
    String url;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "With --url: the bearer access token (see 'flexserve token'). Default: the FLEXSERVE_TOKEN variable.")
    String token;

    @Option(names = "--organization", paramLabel = "ORG",
            description = "With --url: the organization to act for, when the token carries several (OpenAI-Organization header).")
    String organization;

    @Parameters(index = "0", paramLabel = "PROMPT", description = "The prompt text.")
    String prompt;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "64",
            description = "Most tokens to generate (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "0",
            description = "Sampling temperature, 0 (greedy) to 2 (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "1",
            description = "Nucleus sampling mass in (0, 1]; 1 turns it off (default: ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "0",
            description = "Sample among the K most likely tokens; 0 turns it off (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--seed", paramLabel = "S", description = "Makes sampling repeatable (default: random).")
    Long seed;

    @Option(names = "--stop", paramLabel = "STR",
            description = "Ends the completion when generated (not included); repeatable, at most "
                    + SamplingParams.MAX_STOP_SEQUENCES + ".")
    List<String> stop;

    @Option(names = "--json", description = "Print the whole result as one JSON object.")
    boolean json;

    @Mixin
    ExpertSelection experts;

    @Mixin
    EngineOptions engineOptions;

    /** Field names as printed: snake_case of the components (attribution entries as in the HTTP API). */
    public record Output(String text, String finishReason, int[] tokens, Usage usage, List<String> allowed,
                         int expertsPerToken, String trunk, List<ExpertAttribution> attribution) {
    }

    public record Usage(int promptTokens, int completionTokens, int totalTokens) {
    }

    @Override
    public Integer call() {
        SamplingParams params = samplingParams();
        if (prompt.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "the prompt is empty");
        }
        experts.checkArguments();
        if (url == null && (token != null || organization != null)) {
            throw new ParameterException(spec.commandLine(), "--token and --organization go with --url");
        }
        if (models != null && url != null) {
            throw new ParameterException(spec.commandLine(), "give one of --models (run here) and --url (a running platform), not both");
        }
        if (url != null) {
            return remote(params);
        }
        if (models == null) {
            models = DefaultModels.path();
        }
        engineOptions.checkArguments();
        ModelSet set = ModelSet.load(models);
        List<String> allowed = experts.resolve(set);
        try (Tokenizer tokenizer = set.trunk().openTokenizer()) {
            if (!tokenizer.handlesText()) {
                throw new IllegalArgumentException("the models in " + models + " have no tokenizer, so they cannot "
                        + "take text; give token ids to 'flexserve model logits' instead");
            }
            int[] ids = tokenizer.encode(prompt);
            if (ids.length == 0) {
                throw new IllegalArgumentException("the prompt encodes to no tokens");
            }
            try (Engine engine = engineOptions.open(set)) {
                GenerationResult r = new Generator(engine, tokenizer)
                        .generate(new GenerationRequest(ids, params, new HashSet<>(allowed)));
                print(r, allowed, engine.expertsPerToken(), set.trunk().hash());
            }
        }
        return 0;
    }

    private int remote(SamplingParams params) {
        String bearer = token != null ? token : System.getenv("FLEXSERVE_TOKEN");
        if (bearer == null || bearer.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--url needs a token: pass --token or set FLEXSERVE_TOKEN "
                    + "(e.g. export FLEXSERVE_TOKEN=$(./flexserve token --organization acme))");
        }
        GatewayClient.Reply reply = new GatewayClient(url, bearer.trim(), organization).complete(prompt, params, experts.allowed(), experts.excluded());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(reply.json());
        } else {
            out.println(reply.text());
        }
        out.flush();
        return 0;
    }

    /** Sampling values are checked before any model is loaded; a bad one is a usage error. */
    private SamplingParams samplingParams() {
        try {
            return new SamplingParams(temperature, topK, topP, seed, maxTokens, stop);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private void print(GenerationResult r, List<String> allowed, int expertsPerToken, String trunkHash) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Json.print(out, new Output(r.text(), r.finishReason(), r.tokens(),
                    new Usage(r.promptTokens(), r.completionTokens(), r.promptTokens() + r.completionTokens()),
                    allowed, expertsPerToken, trunkHash, r.attribution()));
        } else {
            out.println(r.text());
            out.flush();
        }
    }
}
