package dev.flexserve.router.attribution;

import dev.flexserve.attribution.event.AttributionEvent;
import dev.flexserve.attribution.event.DroppedExpert;
import dev.flexserve.attribution.event.ExpertContribution;
import dev.flexserve.attribution.event.FinishReason;
import dev.flexserve.attribution.event.Usage;
import dev.flexserve.model.generation.GenerationResult;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.UUID;

/** Builds the attribution event of a finished response from the engine's result. */
public final class AttributionEvents {
    /** The event source: this router instance, by host name. */
    public static final String SOURCE = "urn:flexserve:router-service:" + hostName();

    private AttributionEvents() {
    }

    /**
     * The event of one response, with a new event id and the current time.
     *
     * @param finishReason the result's own reason ({@code stop}, {@code length}, {@code error}), or {@code cancelled}
     *                     or {@code aborted} when the response was cut short after tokens were generated
     */
    public static AttributionEvent of(String requestId, String organization, String subject, String model,
                                      String trunkVersion, GenerationResult result, FinishReason finishReason) {
        return new AttributionEvent(UUID.randomUUID().toString(), SOURCE, Instant.now(), requestId, organization, subject,
                model, trunkVersion,
                result.attribution().stream().map(a -> new ExpertContribution(a.expert(), a.owner(), a.version(),
                        a.weight(), a.tokens(), a.promptTokens())).toList(),
                Usage.of(result.promptTokens(), result.completionTokens()), finishReason,
                result.dropped().stream().map(d -> new DroppedExpert(d.expert(), d.layer(), d.reason())).toList());
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
