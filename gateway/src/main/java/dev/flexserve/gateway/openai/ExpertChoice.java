package dev.flexserve.gateway.openai;

import java.util.List;

/**
 * FlexServe's extra body field {@code experts}: {@code include} limits the response to these experts (each must be
 * available to the caller), {@code exclude} opts experts out (exactly as if they did not exist). The OpenAI SDKs send
 * it as an extra body field.
 */
public record ExpertChoice(List<String> include, List<String> exclude) {
}
