package io.serverlessmfa.core.enrollment;

import java.time.Duration;
import java.time.Instant;

/**
 * How often one user may start, restart or cancel a setup: at most {@code maxChanges} in each
 * fixed window of {@code window} (aligned to the epoch, so every function computes the same
 * window without a read). Each change is a transaction and an audit event kept for a year, so
 * without a bound one user looping setup and cancel grows the table without end. A fixed window
 * lets up to twice the limit through across a window's edge; that still bounds the growth, and
 * it needs one conditional counter instead of a log of times.
 */
public record SetupChangeLimit(int maxChanges, Duration window) {

    public SetupChangeLimit {
        if (maxChanges < 1 || maxChanges > 1_000) {
            throw new IllegalArgumentException("maxChanges must be between 1 and 1000");
        }
        if (window == null || window.toSeconds() < 60 || window.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("window must be between 1 minute and 1 day");
        }
    }

    /** 10 setup starts and cancels per user per hour: a person who fumbles the QR code needs a few. */
    public static SetupChangeLimit defaults() {
        return new SetupChangeLimit(10, Duration.ofHours(1));
    }

    /** The window {@code now} falls in. */
    public SetupChangeWindow windowAt(Instant now) {
        long length = window.toSeconds();
        Instant start = Instant.ofEpochSecond(Math.floorDiv(now.getEpochSecond(), length) * length);
        return new SetupChangeWindow(start, start.plus(window), maxChanges);
    }
}
