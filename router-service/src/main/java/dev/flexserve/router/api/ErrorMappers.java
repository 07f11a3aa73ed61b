package dev.flexserve.router.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.flexserve.model.generation.InvalidPromptException;
import dev.flexserve.model.sampling.InvalidSamplingException;
import dev.flexserve.router.access.ExpertNotGrantedException;
import dev.flexserve.router.access.InvalidPolicyException;
import dev.flexserve.router.access.PermissionDeniedException;
import dev.flexserve.router.access.UnknownExpertException;
import dev.flexserve.router.registry.ExpertConflictException;
import dev.flexserve.router.registry.RegistrationRefusedException;
import dev.flexserve.router.scheduler.KvCacheBudgetException;
import dev.flexserve.router.scheduler.NoExpertLeftException;
import dev.flexserve.router.provisioning.ProvisioningUnavailableException;
import dev.flexserve.router.scheduler.QueueFullException;
import dev.flexserve.router.store.ArchiveTooLargeException;
import dev.flexserve.router.store.InvalidArchiveException;
import dev.flexserve.router.store.UnknownPackageException;
import dev.flexserve.router.trust.NoSigningKeyException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.concurrent.CompletionException;

/**
 * The one place where the router's domain exceptions become HTTP statuses, each in the OpenAI error envelope. Any
 * other exception is a bug: 500, logged, never reported as the client's fault. Errors after an SSE stream started
 * use {@link #envelope} with the status they would have had.
 */
public class ErrorMappers {
    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    /** The status and envelope of a failure (a {@link CompletionException} is unwrapped). */
    public static Failure describe(Throwable failure) {
        Throwable e = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (e instanceof InvalidRequestException i) {
            return new Failure(400, ApiError.of(400, i.getMessage(), i.param()));
        }
        if (e instanceof RegistrationRefusedException r) {
            return new Failure(400, ApiError.of(400, r.getMessage(), r.param()));
        }
        int status = status(e);
        if (status == 500) {
            LOG.error("request failed with a bug", e);
            return new Failure(500, ApiError.of(500, "internal error in the router-service (logged)", null));
        }
        String param = e instanceof InvalidSamplingException || e instanceof KvCacheBudgetException ? null
                : e instanceof InvalidPromptException ? "prompt"
                : e instanceof UnknownExpertException || e instanceof ExpertNotGrantedException || e instanceof NoExpertLeftException ? "experts"
                : null;
        String message = status == 415 ? "send JSON with Content-Type: application/json" : e.getMessage();
        return new Failure(status, ApiError.of(status, message, param));
    }

    private static int status(Throwable e) {
        if (e instanceof InvalidPromptException || e instanceof InvalidSamplingException || e instanceof InvalidPolicyException
                || e instanceof NoExpertLeftException || e instanceof KvCacheBudgetException || e instanceof InvalidArchiveException
                || e instanceof NoSigningKeyException) {
            return 400;
        }
        if (e instanceof ArchiveTooLargeException) {
            return 413;
        }
        if (e instanceof ProvisioningUnavailableException) {
            return 503;
        }
        if (e instanceof PermissionDeniedException || e instanceof ExpertNotGrantedException) {
            return 403;
        }
        if (e instanceof UnknownExpertException || e instanceof UnknownPackageException) {
            return 404;
        }
        if (e instanceof ExpertConflictException) {
            return 409;
        }
        if (e instanceof QueueFullException) {
            return 429;
        }
        if (e instanceof WebApplicationException w) {
            return w.getResponse().getStatus();
        }
        return 500;
    }

    /** A failure as the API reports it. */
    public record Failure(int status, ApiError envelope) {
    }

    @ServerExceptionMapper
    public Response failure(RuntimeException e) {
        if (e instanceof WebApplicationException w && w.getCause() instanceof JsonProcessingException j) {
            return malformedJson(j);
        }
        return response(describe(e));
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        return response(new Failure(400, ApiError.of(400, describeJson(e), null)));
    }

    /** More specific than {@link #malformedJson}, so it also takes precedence over the built-in mapper. */
    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException e) {
        return malformedJson(e);
    }

    private static String describeJson(JsonProcessingException e) {
        String where = e instanceof MismatchedInputException m && !m.getPath().isEmpty()
                ? " at '" + m.getPath().get(m.getPath().size() - 1).getFieldName() + "'" : "";
        Throwable cause = e.getCause();
        String detail = cause instanceof InvalidPolicyException ? cause.getMessage() : e.getOriginalMessage();
        return "malformed JSON" + where + ": " + detail;
    }

    private static Response response(Failure f) {
        return Response.status(f.status()).type(MediaType.APPLICATION_JSON).entity(f.envelope()).build();
    }
}
