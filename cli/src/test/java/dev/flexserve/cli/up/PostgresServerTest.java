package dev.flexserve.cli.up;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The server as its own process: the platform's user and database, password authentication, data kept across restarts. */
class PostgresServerTest {
    /** Unpacked once per build, like a state directory's binaries. */
    private static final Path BINARIES = Path.of("target/postgres-binaries");

    @TempDir
    Path dir;

    private PostgresServer server() throws Exception {
        return new PostgresServer(dir.resolve("postgres"), BINARIES, 0, List.of("flexserve"), "flexserve", "s3cret'pass",
                dir.resolve("postgres.log"));
    }

    @Test
    void recordsSurviveARestartAndACrash() throws Exception {
        PostgresServer first = server();
        try {
            first.start();
            try (Connection c = connect(first); Statement s = c.createStatement()) {
                s.execute("create table ledger (id int primary key, note text)");
                s.execute("insert into ledger values (1, 'one'), (2, 'two')");
            }
            assertThatThrownBy(() -> DriverManager.getConnection(first.jdbcUrl("flexserve"), "flexserve", "wrong"))
                    .as("password authentication").isInstanceOf(SQLException.class).hasMessageContaining("password");
        } finally {
            first.stop();
        }
        assertThat(first.isAlive()).isFalse();

        PostgresServer second = server();
        try {
            second.start();
            assertThat(notes(second)).as("after a clean restart, on another port").containsExactly("one", "two");
            try (Connection c = connect(second); Statement s = c.createStatement()) {
                s.execute("insert into ledger values (3, 'three')");
            }
        } finally {
            second.kill();
        }

        PostgresServer third = server();
        try {
            third.start();
            assertThat(notes(third)).as("a committed row survives a SIGKILL").containsExactly("one", "two", "three");
        } finally {
            third.stop();
        }
    }

    private static Connection connect(PostgresServer server) throws SQLException {
        return DriverManager.getConnection(server.jdbcUrl("flexserve"), server.user(), server.password());
    }

    private static List<String> notes(PostgresServer server) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = connect(server); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select note from ledger order by id")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
