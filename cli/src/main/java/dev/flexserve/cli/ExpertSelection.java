package dev.flexserve.cli;

import dev.flexserve.model.packages.ExpertPackage;
import dev.flexserve.model.packages.ModelSet;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code --allow} and {@code --exclude}: which experts of a model set take part. Without either, every expert does.
 * Excluding an expert is exact opt-out (DESIGN.md §1): the gate's softmax runs over the remaining experts only.
 */
public final class ExpertSelection {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--allow", split = ",", paramLabel = "ID",
            description = "Only these experts take part (comma-separated ids, e.g. public,expert-2). Default: every expert.")
    List<String> allow;

    @Option(names = "--exclude", split = ",", paramLabel = "ID",
            description = "These experts take no part (comma-separated ids).")
    List<String> exclude;

    /** Checks what needs no model: no empty ids, no id both allowed and excluded. */
    public void checkArguments() {
        for (String id : concat(allow, exclude)) {
            if (id.isBlank()) {
                throw new ParameterException(mixee.commandLine(), "--allow and --exclude take non-empty expert ids");
            }
        }
        if (allow != null && exclude != null) {
            List<String> both = allow.stream().filter(exclude::contains).distinct().toList();
            if (!both.isEmpty()) {
                throw new ParameterException(mixee.commandLine(),
                        "--allow and --exclude both name " + quoted(both) + "; name each expert in one of them only");
            }
        }
    }

    /**
     * The ids of the experts that take part, in the model set's order (public first).
     *
     * @throws IllegalArgumentException for ids the model set does not have, or when no expert is left
     */
    public List<String> resolve(ModelSet models) {
        checkArguments();
        List<String> known = models.experts().stream().map(ExpertPackage::id).toList();
        Set<String> unknown = new LinkedHashSet<>();
        for (String id : concat(allow, exclude)) {
            if (!known.contains(id)) {
                unknown.add(id);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown expert id" + (unknown.size() == 1 ? " " : "s ") + quoted(unknown)
                    + "; the models have " + String.join(", ", known));
        }
        List<String> chosen = known.stream()
                .filter(id -> allow == null || allow.contains(id))
                .filter(id -> exclude == null || !exclude.contains(id))
                .toList();
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("no expert is left to take part after --exclude");
        }
        return chosen;
    }

    /** The ids given with --allow, or null: every expert. */
    public List<String> allowed() {
        return allow;
    }

    /** The ids given with --exclude (possibly none). */
    public List<String> excluded() {
        return exclude == null ? List.of() : exclude;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>();
        if (a != null) {
            all.addAll(a);
        }
        if (b != null) {
            all.addAll(b);
        }
        return all;
    }

    private static String quoted(Iterable<String> ids) {
        List<String> q = new ArrayList<>();
        ids.forEach(id -> q.add("'" + id + "'"));
        return String.join(", ", q);
    }
}
