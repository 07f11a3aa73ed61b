package dev.flexserve.cli.process;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One FlexServe service (or a server it needs, such as Keycloak) running as its own process on localhost: its
 * output in a log file, ready when its readiness URL answers 200. Settings that are secrets travel in the
 * environment, never on the command line, where any local user could read them.
 */
public final class ServiceProcess {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final List<String> command;
    private final Map<String, String> environment;
    private final int port;
    private final URI ready;
    private final Path log;
    private Process process;

    /**
     * @param ready the URL that answers 200 once the service is ready
     */
    public ServiceProcess(String name, List<String> command, Map<String, String> environment, int port, URI ready, Path log) {
        this.name = name;
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
        this.port = port;
        this.ready = ready;
        this.log = log;
    }

    /**
     * A Quarkus service from its jar, with system properties and environment variables, on {@code port} of
     * 127.0.0.1; ready when {@code /q/health/ready} on {@code healthPort} answers 200.
     */
    public static ServiceProcess quarkus(String name, Path jar, List<String> jvmOptions, List<String> properties,
                                         Map<String, String> environment, int port, int healthPort, Path log) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-Dquarkus.http.port=" + port);
        cmd.add("-Dquarkus.http.host=127.0.0.1");
        properties.forEach(p -> cmd.add("-D" + p));
        cmd.add("-jar");
        cmd.add(jar.toString());
        return new ServiceProcess(name, cmd, environment, port,
                URI.create("http://127.0.0.1:" + healthPort + "/q/health/ready"), log);
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public Path log() {
        return log;
    }

    public synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(environment);
        process = pb.start();
    }

    /** Waits until the service is ready; fails fast, with the log's tail, when the process exits. */
    public void awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest probe = HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with code " + process.exitValue() + " during startup; last lines of "
                        + log + ":\n" + tail(20));
            }
            try {
                if (HTTP.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            Thread.sleep(200);
        }
        throw new IOException(name + " was not ready after " + timeout.toSeconds() + " s; see " + log);
    }

    /** Ends the process and its children the way an operator's kill would (SIGKILL): no shutdown hooks, no goodbye. */
    public synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Asks the process to shut down (SIGTERM), then kills it and its children if it has not ended after 20 s. */
    public synchronized void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            List<ProcessHandle> children = process.descendants().toList();
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                children.forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            for (ProcessHandle child : children) {
                child.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> null).join();
            }
        }
    }

    /** The operating system's process id (for benchmarks that read its scheduler statistics). */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException(name + " was not started");
        }
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    private String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }
}
