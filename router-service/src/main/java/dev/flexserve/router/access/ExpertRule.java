package dev.flexserve.router.access;

import java.time.Instant;

/** Whether an expert may serve a caller right now: its status and its owner's policy. */
public record ExpertRule(String owner, ExpertStatus status, Policy policy) {
    public boolean allows(String organization, Instant now) {
        return status == ExpertStatus.ACTIVE && policy.grants(organization, owner, now);
    }
}
