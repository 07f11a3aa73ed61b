package dev.flexserve.router.scheduler;

import dev.flexserve.model.engine.Expert;
import dev.flexserve.router.access.ExpertRule;

import java.util.ArrayList;
import java.util.List;

/** The experts by slot and the rule of each, replaced as a whole so readers never see half an update. */
record ExpertDirectory(List<Expert> experts, List<ExpertRule> rules) {
    static final ExpertDirectory EMPTY = new ExpertDirectory(List.of(), List.of());

    ExpertDirectory with(int slot, Expert expert, ExpertRule rule) {
        if (slot > experts.size()) {
            throw new IllegalStateException("expert slots are filled in order; slot " + experts.size() + " is next, not " + slot);
        }
        List<Expert> e = new ArrayList<>(experts);
        List<ExpertRule> r = new ArrayList<>(rules);
        if (slot == experts.size()) {
            e.add(expert);
            r.add(rule);
        } else {
            e.set(slot, expert);
            r.set(slot, rule);
        }
        return new ExpertDirectory(List.copyOf(e), List.copyOf(r));
    }
}
