package dev.flexserve.gateway.openai;

/** An expert that failed during the response and was left out from {@code layer} on, and why. */
public record DroppedExpert(String expert, int layer, String reason) {
}
