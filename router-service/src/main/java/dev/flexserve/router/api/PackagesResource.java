package dev.flexserve.router.api;

import dev.flexserve.router.access.PermissionDeniedException;
import dev.flexserve.router.store.PackageStore;
import dev.flexserve.router.store.UnknownPackageException;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

/**
 * {@code GET /internal/v1/packages/{hash}}: a stored package as a zip archive, streamed, for the expert-services
 * that fetch their package from the store (a pod on Kubernetes, a process that {@code flexserve up} starts). Only the
 * platform itself may read packages; the fetcher verifies every hash against the content hash it asked for.
 */
@Path("/internal/v1/packages")
@Blocking
public class PackagesResource {
    private final PackageStore store;

    public PackagesResource(PackageStore store) {
        this.store = store;
    }

    @GET
    @Path("/{hash}")
    @Produces("application/zip")
    public Response get(@PathParam("hash") String hash, @Context HttpHeaders headers) {
        if (!CallerHeaders.caller(headers).isPlatform()) {
            throw new PermissionDeniedException("packages are served to the platform's own services only");
        }
        if (!store.contains(hash)) {
            throw new UnknownPackageException(hash);
        }
        StreamingOutput archive = out -> store.writeArchive(hash, out);
        return Response.ok(archive, "application/zip").build();
    }
}
