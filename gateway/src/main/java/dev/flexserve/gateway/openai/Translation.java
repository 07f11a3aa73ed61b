package dev.flexserve.gateway.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flexserve.gateway.errors.InvalidRequestException;
import dev.flexserve.gateway.router.GenerateRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * OpenAI requests into the router's generation request. A parameter that would change the answer in a way this
 * platform cannot honour is refused with a 400 that names it ({@code n} > 1, {@code logit_bias}, {@code logprobs},
 * {@code tools}, penalties, {@code echo}, {@code suffix}, ...); one that changes nothing ({@code user},
 * {@code n: 1}, an empty {@code logit_bias}, zero penalties) is accepted. Numeric ranges are the router's to check.
 */
final class Translation {
    /** What chat completions generate when the request sets no limit. */
    static final int CHAT_DEFAULT_MAX_TOKENS = 256;

    private Translation() {
    }

    static GenerateRequest completion(CompletionRequest r) {
        requireModel(r.model());
        if (r.suffix() != null) {
            throw InvalidRequestException.unsupported("suffix", "this model does not insert text");
        }
        if (r.logprobs() != null) {
            throw InvalidRequestException.unsupported("logprobs", "log probabilities are not returned");
        }
        if (Boolean.TRUE.equals(r.echo())) {
            throw InvalidRequestException.unsupported("echo", "the prompt is not echoed");
        }
        if (r.bestOf() != null && r.bestOf() != 1) {
            throw InvalidRequestException.unsupported("best_of", "one completion is generated per request");
        }
        common(r.n(), r.presencePenalty(), r.frequencyPenalty(), r.logitBias(), r.stream(), r.streamOptions());
        if (r.prompt() == null || r.prompt().isNull()) {
            throw new InvalidRequestException("prompt", "missing_required_parameter", "'prompt' is required");
        }
        JsonNode prompt = r.prompt();
        if (prompt.isArray()) {
            if (prompt.size() == 0) {
                throw new InvalidRequestException("prompt", "invalid_value", "'prompt' is an empty list");
            }
            if (prompt.get(0).isNumber()) {
                return generate(null, ids(prompt), r.maxTokens(), r.temperature(), r.topP(), r.topK(), r.seed(), r.stop(), r.experts());
            }
            if (prompt.size() > 1) {
                throw InvalidRequestException.unsupported("prompt", "one prompt per request (got " + prompt.size() + ")");
            }
            prompt = prompt.get(0);
            if (prompt.isArray()) {
                return generate(null, ids(prompt), r.maxTokens(), r.temperature(), r.topP(), r.topK(), r.seed(), r.stop(), r.experts());
            }
        }
        if (!prompt.isTextual()) {
            throw new InvalidRequestException("prompt", "invalid_type", "'prompt' must be a string, a list of one string, or token ids");
        }
        return generate(prompt.asText(), null, r.maxTokens(), r.temperature(), r.topP(), r.topK(), r.seed(), r.stop(), r.experts());
    }

    static GenerateRequest chat(ChatCompletionRequest r) {
        requireModel(r.model());
        if (Boolean.TRUE.equals(r.logprobs()) || r.topLogprobs() != null) {
            throw InvalidRequestException.unsupported(r.topLogprobs() != null ? "top_logprobs" : "logprobs", "log probabilities are not returned");
        }
        for (Map.Entry<String, JsonNode> e : Map.of("tools", nullToMissing(r.tools()), "tool_choice", nullToMissing(r.toolChoice()),
                "functions", nullToMissing(r.functions()), "function_call", nullToMissing(r.functionCall())).entrySet()) {
            if (!e.getValue().isMissingNode()) {
                throw InvalidRequestException.unsupported(e.getKey(), "this model does not call tools");
            }
        }
        if (Boolean.TRUE.equals(r.parallelToolCalls())) {
            throw InvalidRequestException.unsupported("parallel_tool_calls", "this model does not call tools");
        }
        if (r.responseFormat() != null && !r.responseFormat().isNull()
                && !"text".equals(r.responseFormat().path("type").asText())) {
            throw InvalidRequestException.unsupported("response_format", "only {\"type\": \"text\"} is produced");
        }
        if (Boolean.TRUE.equals(r.store())) {
            throw InvalidRequestException.unsupported("store", "responses are not stored");
        }
        if (r.maxTokens() != null && r.maxCompletionTokens() != null && !r.maxTokens().equals(r.maxCompletionTokens())) {
            throw new InvalidRequestException("max_completion_tokens", "invalid_value",
                    "give 'max_completion_tokens' or 'max_tokens', not two different limits");
        }
        common(r.n(), r.presencePenalty(), r.frequencyPenalty(), r.logitBias(), r.stream(), r.streamOptions());
        String prompt = ChatTemplate.render(r.messages());
        Integer max = r.maxCompletionTokens() != null ? r.maxCompletionTokens()
                : r.maxTokens() != null ? r.maxTokens() : CHAT_DEFAULT_MAX_TOKENS;
        List<String> stop = new ArrayList<>(stops(r.stop()));
        if (stop.size() < 4 && !stop.contains(ChatTemplate.NEXT_TURN)) {
            stop.add(ChatTemplate.NEXT_TURN);
        }
        return new GenerateRequest(prompt, null, max, r.temperature(), r.topP(), r.topK(), r.seed(), stop, experts(r.experts()));
    }

    static boolean includeUsage(Boolean stream, StreamOptions options) {
        return Boolean.TRUE.equals(stream) && options != null && Boolean.TRUE.equals(options.includeUsage());
    }

    private static void common(Integer n, Double presence, Double frequency, Map<String, Double> logitBias, Boolean stream,
                               StreamOptions streamOptions) {
        if (n != null && n != 1) {
            throw InvalidRequestException.unsupported("n", "one choice is generated per request");
        }
        if (presence != null && presence != 0) {
            throw InvalidRequestException.unsupported("presence_penalty", "penalties are not applied");
        }
        if (frequency != null && frequency != 0) {
            throw InvalidRequestException.unsupported("frequency_penalty", "penalties are not applied");
        }
        if (logitBias != null && !logitBias.isEmpty()) {
            throw InvalidRequestException.unsupported("logit_bias", "logits are not biased");
        }
        if (streamOptions != null && !Boolean.TRUE.equals(stream)) {
            throw new InvalidRequestException("stream_options", "invalid_value", "'stream_options' is only allowed with 'stream': true");
        }
    }

    private static void requireModel(String model) {
        if (model == null || model.isBlank()) {
            throw new InvalidRequestException("model", "missing_required_parameter", "'model' is required (see GET /v1/models)");
        }
    }

    private static GenerateRequest generate(String text, int[] ids, Integer maxTokens, Double temperature, Double topP,
                                            Integer topK, Long seed, JsonNode stop, ExpertChoice experts) {
        return new GenerateRequest(text, ids, maxTokens, temperature, topP, topK, seed, stops(stop), experts(experts));
    }

    private static int[] ids(JsonNode array) {
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode t = array.get(i);
            if (!t.canConvertToInt() || !t.isIntegralNumber()) {
                throw new InvalidRequestException("prompt", "invalid_type", "token ids in 'prompt' must be integers");
            }
            ids[i] = t.intValue();
        }
        return ids;
    }

    private static List<String> stops(JsonNode stop) {
        if (stop == null || stop.isNull()) {
            return List.of();
        }
        if (stop.isTextual()) {
            return List.of(stop.asText());
        }
        if (stop.isArray()) {
            List<String> out = new ArrayList<>();
            for (JsonNode s : stop) {
                if (!s.isTextual()) {
                    throw new InvalidRequestException("stop", "invalid_type", "'stop' must be a string or a list of strings");
                }
                out.add(s.asText());
            }
            return out;
        }
        throw new InvalidRequestException("stop", "invalid_type", "'stop' must be a string or a list of strings");
    }

    private static GenerateRequest.Experts experts(ExpertChoice e) {
        return e == null ? null : new GenerateRequest.Experts(e.include(), e.exclude());
    }

    private static JsonNode nullToMissing(JsonNode n) {
        return n == null || n.isNull() ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : n;
    }
}
