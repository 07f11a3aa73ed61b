package dev.flexserve.operator.workload;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A real HTTP server standing in for the router's admin API: it records every call in order (with its credential
 * and body), answers each action with a status the test chooses, and runs a test's hook while it holds a call, so a
 * test can look at the cluster at the moment the router is asked.
 */
public final class RouterStandIn implements AutoCloseable {
    public record Call(String action, String expert, String authorization, String body) {
    }

    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> statuses = new ConcurrentHashMap<>();
    private final Map<String, Consumer<Call>> hooks = new ConcurrentHashMap<>();

    public RouterStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/admin/experts/", exchange -> {
            String[] parts = exchange.getRequestURI().getPath().split("/"); // "", admin, experts, id, action
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Call call = new Call(parts[4], parts[3], exchange.getRequestHeaders().getFirst("Authorization"), body);
            int status = "POST".equals(exchange.getRequestMethod()) ? statuses.getOrDefault(call.action(), 200) : 405;
            try {
                hooks.getOrDefault(call.action(), c -> { }).accept(call);
            } finally {
                calls.add(call);
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            }
        });
        server.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public List<String> actions() {
        return calls.stream().map(Call::action).toList();
    }

    public void answer(String action, int status) {
        statuses.put(action, status);
    }

    public void whileHolding(String action, Consumer<Call> hook) {
        hooks.put(action, hook);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
