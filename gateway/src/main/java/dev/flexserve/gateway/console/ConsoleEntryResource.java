package dev.flexserve.gateway.console;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

import java.net.URI;

/** The gateway's root sends a browser to the console, so the address {@code flexserve up} prints is enough. */
@Path("/")
public class ConsoleEntryResource {
    @GET
    public Response root() {
        return Response.seeOther(URI.create("/console/")).build();
    }
}
