package dev.flexserve.cli.up;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A one-node Kafka broker (KRaft, broker and controller in one process) as its own JVM, run from the Kafka jars on
 * this program's class path ({@code kafka.Kafka}, as Kafka's own scripts run it). Its log directory lives under the
 * given directory, so a broker started again there has every record of the last one; the first start formats the
 * storage ({@code kafka.tools.StorageTool format}).
 *
 * <p>With one replica, {@code acks=all} means the leader wrote the batch; the broker flushes every batch to disk
 * ({@code log.flush.interval.messages=1}) so that an acknowledged record survives a crash of the machine, not only
 * of the process.
 */
public final class KafkaBroker implements AutoCloseable {
    static final Duration STARTUP = Duration.ofMinutes(2);
    private static final List<String> JVM = List.of("-Xmx320m", "-XX:+UseSerialGC");

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private final Path log;
    private ChildProcess process;

    /**
     * @param dir  the broker's directory (configuration and log directory)
     * @param port the client port on 127.0.0.1; 0 takes a free one
     * @param log  where the broker's output goes (appended)
     */
    public KafkaBroker(Path dir, int port, Path log) throws IOException {
        this.dir = dir.toAbsolutePath();
        this.port = Platform.port(port);
        this.controllerPort = Platform.port(0);
        this.log = log;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Formats the storage on first use, starts the broker and returns once a client can talk to it. */
    public synchronized void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the Kafka broker in " + dir + " is already running");
        }
        Files.createDirectories(dir);
        Files.createDirectories(log.toAbsolutePath().getParent());
        Path config = dir.resolve("server.properties");
        Files.writeString(config, configuration());
        if (!Files.exists(dir.resolve("data/meta.properties"))) {
            Process format = java("kafka.tools.StorageTool", "format", "--cluster-id", Uuid.randomUuid().toString(),
                    "--config", config.toString(), "--ignore-formatted").start();
            if (!format.waitFor(STARTUP.toSeconds(), TimeUnit.SECONDS) || format.exitValue() != 0) {
                format.destroyForcibly();
                throw new IOException("formatting the Kafka storage in " + dir + " failed; see " + log);
            }
        }
        process = ChildProcess.start(java("kafka.Kafka", config.toString()));
        awaitReady();
    }

    private ProcessBuilder java(String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM);
        command.add("-Dlog4j2.configurationFile=classpath:flexserve-kafka-log4j2.xml");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    }

    private String configuration() {
        String host = "127.0.0.1";
        return String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@" + host + ":" + controllerPort,
                "listeners=PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort,
                "advertised.listeners=PLAINTEXT://" + host + ":" + port,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                "log.flush.interval.messages=1",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "group.initial.rebalance.delay.ms=0",
                "");
    }

    /** Waits until the broker answers a client's describe-cluster call; fails fast when the process exits. */
    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000))) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IOException("the Kafka broker exited with code " + process.exitValue() + " during startup; see " + log);
                }
                try {
                    if (!admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException notYet) {
                    // Not listening yet, or the controller has not registered the broker yet.
                }
                Thread.sleep(200);
            }
        }
        stop();
        throw new IOException("the Kafka broker was not ready after " + STARTUP.toSeconds() + " s; see " + log);
    }

    /** Shuts the broker down (SIGTERM: a controlled shutdown), then kills it if it has not ended after 60 s. */
    public synchronized void stop() throws InterruptedException {
        if (process != null) {
            process.stop("TERM", Duration.ofSeconds(60));
        }
    }

    /** Ends the broker as a crash would (SIGKILL). */
    public synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.kill();
        }
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
