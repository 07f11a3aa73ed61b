package dev.flexserve.attribution.event;

/** An expert that failed while the response ran and was left out from then on: which, at which layer, and why. */
public record DroppedExpert(String expert, int layer, String reason) {
    public DroppedExpert {
        Require.text("expert", expert);
        Require.nonNegative("layer", layer);
        Require.text("reason", reason);
    }
}
