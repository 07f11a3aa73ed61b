package dev.flexserve.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Where the router-service's CPU went: JFR execution samples, each attributed to the first category that any of
 * its frames belongs to, in the order listed (so a sample inside ONNX Runtime called from the engine counts as ONNX
 * Runtime). Read with the JDK's own {@code jfr print}.
 */
final class RouterProfile {
    private static final Map<String, Predicate<String>> CATEGORIES = new LinkedHashMap<>();

    static {
        CATEGORIES.put("ONNX Runtime (trunk graphs, public expert)", f -> f.startsWith("ai.onnxruntime."));
        CATEGORIES.put("protobuf (de)serialisation", f -> f.startsWith("com.google.protobuf."));
        CATEGORIES.put("float <-> bytes for the wire", f -> f.startsWith("dev.flexserve.router.fanout."));
        CATEGORIES.put("gRPC and Netty (RPC)", f -> f.startsWith("io.grpc.") || f.startsWith("io.netty."));
        CATEGORIES.put("HTTP/SSE to clients (Vert.x, RESTEasy)", f -> f.startsWith("io.vertx.") || f.startsWith("org.jboss.resteasy.") || f.startsWith("io.quarkus.vertx"));
        CATEGORIES.put("engine in Java (gating, mixture, KV cache, sampling)", f -> f.startsWith("dev.flexserve."));
    }

    private RouterProfile() {
    }

    static String summarise(Path recording) throws IOException, InterruptedException {
        Path jfr = Path.of(System.getProperty("java.home"), "bin", "jfr");
        Process p = new ProcessBuilder(jfr.toString(), "print", "--stack-depth", "64", "--events", "jdk.ExecutionSample", recording.toString())
                .redirectErrorStream(true).start();
        Map<String, Integer> counts = new LinkedHashMap<>();
        CATEGORIES.keySet().forEach(k -> counts.put(k, 0));
        counts.put("other (JDK, GC, logging)", 0);
        int total = 0;
        String category = null;
        boolean inStack = false;
        for (String line : (Iterable<String>) new String(p.getInputStream().readAllBytes()).lines()::iterator) {
            String t = line.trim();
            if (t.startsWith("stackTrace = [")) {
                inStack = true;
                category = null;
            } else if (inStack && t.startsWith("]")) {
                inStack = false;
                counts.merge(category == null ? "other (JDK, GC, logging)" : category, 1, Integer::sum);
                total++;
            } else if (inStack && category == null) {
                for (Map.Entry<String, Predicate<String>> c : CATEGORIES.entrySet()) {
                    if (c.getValue().test(t)) {
                        category = c.getKey();
                        break;
                    }
                }
            }
        }
        p.waitFor(1, TimeUnit.MINUTES);
        StringBuilder out = new StringBuilder("Router-service CPU samples (JFR, " + total + " samples):\n\n| where | share |\n|---|---:|\n");
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            out.append(String.format(Locale.ROOT, "| %s | %.1f%% |%n", e.getKey(), total == 0 ? 0 : 100.0 * e.getValue() / total));
        }
        return out.toString();
    }
}
