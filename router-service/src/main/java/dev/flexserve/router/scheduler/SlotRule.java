package dev.flexserve.router.scheduler;

import dev.flexserve.router.registry.ExpertStatus;
import dev.flexserve.router.registry.Policy;

import java.time.Instant;

/** Whether an expert slot may serve a caller right now: its status and its owner's policy. */
public record SlotRule(String owner, ExpertStatus status, Policy policy) {
    public boolean allows(String organisation, Instant now) {
        return status == ExpertStatus.ACTIVE && policy.grants(organisation, owner, now);
    }
}
