package dev.flexserve.gateway.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.DeserializationFeature;
import dev.flexserve.gateway.errors.InvalidRequestException;
import dev.flexserve.gateway.router.GenerateRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The OpenAI request shapes become the router's request; what this platform cannot honour is refused by name. */
class TranslationTest {
    static final ObjectMapper JSON = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    static CompletionRequest completion(String json) throws Exception {
        return JSON.readValue(json, CompletionRequest.class);
    }

    static ChatCompletionRequest chat(String json) throws Exception {
        return JSON.readValue(json, ChatCompletionRequest.class);
    }

    @Test
    void aCompletionCarriesItsSamplingStopsAndExperts() throws Exception {
        GenerateRequest r = Translation.completion(completion("""
                {"model": "m", "prompt": "Hello", "max_tokens": 7, "temperature": 0.5, "top_p": 0.9, "seed": 3, "stop": "\\n",
                 "top_k": 5, "user": "u-1", "n": 1, "logit_bias": {}, "presence_penalty": 0, "experts": {"exclude": ["code"]}}"""));
        assertThat(r.prompt()).isEqualTo("Hello");
        assertThat(r.promptTokens()).isNull();
        assertThat(r.maxTokens()).isEqualTo(7);
        assertThat(r.temperature()).isEqualTo(0.5);
        assertThat(r.topP()).isEqualTo(0.9);
        assertThat(r.topK()).isEqualTo(5);
        assertThat(r.seed()).isEqualTo(3L);
        assertThat(r.stop()).containsExactly("\n");
        assertThat(r.experts().exclude()).containsExactly("code");
        assertThat(r.experts().include()).isNull();
    }

    @Test
    void promptsComeAsTextAListOfOneTextOrTokenIds() throws Exception {
        assertThat(Translation.completion(completion("{\"model\": \"m\", \"prompt\": [\"Hi\"]}")).prompt()).isEqualTo("Hi");
        assertThat(Translation.completion(completion("{\"model\": \"m\", \"prompt\": [72, 105]}")).promptTokens()).containsExactly(72, 105);
        assertThat(Translation.completion(completion("{\"model\": \"m\", \"prompt\": [[72, 105]]}")).promptTokens()).containsExactly(72, 105);
        assertThatThrownBy(() -> Translation.completion(completion("{\"model\": \"m\", \"prompt\": [\"a\", \"b\"]}")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("one prompt per request");
        assertThatThrownBy(() -> Translation.completion(completion("{\"model\": \"m\", \"prompt\": [1.5]}")))
                .hasMessageContaining("must be integers");
        assertThatThrownBy(() -> Translation.completion(completion("{\"model\": \"m\"}"))).hasMessageContaining("'prompt' is required");
        assertThatThrownBy(() -> Translation.completion(completion("{\"prompt\": \"x\"}"))).hasMessageContaining("'model' is required");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "n                 | \"n\": 2",
            "logit_bias        | \"logit_bias\": {\"50256\": -100}",
            "logprobs          | \"logprobs\": 2",
            "echo              | \"echo\": true",
            "suffix            | \"suffix\": \"end\"",
            "best_of           | \"best_of\": 3",
            "presence_penalty  | \"presence_penalty\": 0.5",
            "frequency_penalty | \"frequency_penalty\": -1",
    })
    void completionParametersThatCannotBeHonouredAreRefusedByName(String param, String field) throws Exception {
        CompletionRequest r = completion("{\"model\": \"m\", \"prompt\": \"x\", " + field + "}");
        assertThatThrownBy(() -> Translation.completion(r)).isInstanceOfSatisfying(InvalidRequestException.class, e -> {
            assertThat(e.param()).isEqualTo(param);
            assertThat(e.code()).isEqualTo("unsupported_parameter");
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "tools               | \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\"}}]",
            "tool_choice         | \"tool_choice\": \"auto\"",
            "functions           | \"functions\": [{\"name\": \"f\"}]",
            "logprobs            | \"logprobs\": true",
            "top_logprobs        | \"top_logprobs\": 2",
            "response_format     | \"response_format\": {\"type\": \"json_object\"}",
            "n                   | \"n\": 3",
            "parallel_tool_calls | \"parallel_tool_calls\": true",
    })
    void chatParametersThatCannotBeHonouredAreRefusedByName(String param, String field) throws Exception {
        ChatCompletionRequest r = chat("{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}], " + field + "}");
        assertThatThrownBy(() -> Translation.chat(r)).isInstanceOfSatisfying(InvalidRequestException.class,
                e -> assertThat(e.param()).isEqualTo(param));
    }

    @Test
    void chatUsesTheTranscriptTemplateAndStopsBeforeTheNextUserTurn() throws Exception {
        GenerateRequest r = Translation.chat(chat("""
                {"model": "m", "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"},
                 {"role": "assistant", "content": "Hello."}, {"role": "user", "content": [{"type": "text", "text": "Why?"}]}],
                 "max_completion_tokens": 9, "stop": ["END"], "response_format": {"type": "text"}, "logprobs": false}"""));
        assertThat(r.prompt()).isEqualTo("Be brief.\n\nUser: Hi\nAssistant: Hello.\nUser: Why?\nAssistant:");
        assertThat(r.stop()).containsExactly("END", "\nUser:");
        assertThat(r.maxTokens()).isEqualTo(9);
        assertThat(Translation.chat(chat("{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}")).maxTokens())
                .isEqualTo(Translation.CHAT_DEFAULT_MAX_TOKENS);
        GenerateRequest full = Translation.chat(chat("{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}], "
                + "\"stop\": [\"a\", \"b\", \"c\", \"d\"]}"));
        assertThat(full.stop()).as("no room for the turn stop: the client's four stand").isEqualTo(List.of("a", "b", "c", "d"));
    }

    @Test
    void chatRefusesWhatItCannotRender() throws Exception {
        assertThatThrownBy(() -> Translation.chat(chat("{\"model\": \"m\", \"messages\": []}"))).hasMessageContaining("at least one message");
        assertThatThrownBy(() -> Translation.chat(chat("{\"model\": \"m\", \"messages\": [{\"role\": \"tool\", \"content\": \"x\"}]}")))
                .hasMessageContaining("role 'tool' is not supported");
        assertThatThrownBy(() -> Translation.chat(chat("{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": "
                + "[{\"type\": \"image_url\", \"image_url\": {\"url\": \"x\"}}]}]}"))).hasMessageContaining("only text parts");
        assertThatThrownBy(() -> Translation.chat(chat("{\"model\": \"m\", \"messages\": [{\"role\": \"user\"}]}")))
                .hasMessageContaining("needs 'content'");
        assertThatThrownBy(() -> Translation.chat(chat("{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}], "
                + "\"max_tokens\": 3, \"max_completion_tokens\": 4}"))).hasMessageContaining("not two different limits");
    }

    @Test
    void streamOptionsNeedStreaming() throws Exception {
        assertThatThrownBy(() -> Translation.completion(completion("{\"model\": \"m\", \"prompt\": \"x\", \"stream_options\": {\"include_usage\": true}}")))
                .hasMessageContaining("only allowed with 'stream': true");
        CompletionRequest streamed = completion("{\"model\": \"m\", \"prompt\": \"x\", \"stream\": true, \"stream_options\": {\"include_usage\": true}}");
        Translation.completion(streamed);
        assertThat(Translation.includeUsage(streamed.stream(), streamed.streamOptions())).isTrue();
    }
}
