package dev.flexserve.model.engine;

/** An expert that was removed from a sequence while it ran: which, at which layer, and why. */
public record ExpertDrop(String expert, int layer, String reason) {
}
