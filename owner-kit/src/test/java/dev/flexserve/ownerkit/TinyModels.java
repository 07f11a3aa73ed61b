package dev.flexserve.ownerkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tiny public model set trained for a few steps on the fixtures, made once per test JVM with {@code owner
 * train-public} (d=16, 2 layers): enough for the commands' smoke runs, which check mechanics, not quality.
 */
public final class TinyModels {
    private static Path publicSet;
    private static Path root;

    private TinyModels() {
    }

    public static synchronized Path root() throws IOException {
        if (root == null) {
            root = Files.createTempDirectory("owner-kit-tiny");
        }
        return root;
    }

    public static synchronized Path publicSet() throws IOException {
        if (publicSet == null) {
            Path out = root().resolve("public-set");
            Owner.Result r = Owner.run(tinyArgs("train-public", "--docs", Owner.fixture("public.jsonl").toString(),
                    "--out", out.toString(), "--steps", "3", "--centroid-windows", "4"));
            assertThat(r.exit()).as(r.err()).isZero();
            publicSet = out;
        }
        return publicSet;
    }

    /** Architecture and schedule options of a tiny model run (train-public only takes the architecture ones). */
    public static String[] tinyArgs(String command, String... more) {
        String[] base = command.equals("train-public")
                ? new String[]{command, "--hidden", "16", "--layers", "2", "--heads", "2", "--kv-heads", "1", "--ffn", "32",
                "--max-positions", "64", "--batch", "2", "--length", "16", "--log-every", "1"}
                : new String[]{command, "--batch", "2", "--length", "16", "--log-every", "1"};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }
}
