package dev.flexserve.gateway.openai;

public record Usage(int promptTokens, int completionTokens, int totalTokens) {
}
