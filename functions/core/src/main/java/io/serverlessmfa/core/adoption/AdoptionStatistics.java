package io.serverlessmfa.core.adoption;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * The read side of the adoption counts, for operators: the counts are kept exact by the
 * enrollment store, which applies each write's {@link AdoptionChange} in that write's own
 * transaction; this port reads them without scanning, and records the scheduled report's daily
 * snapshot.
 *
 * <p>Implementations throw {@link io.serverlessmfa.core.port.DependencyUnavailableException} when
 * the store is unreachable or throttling.
 */
public interface AdoptionStatistics {

    /** Users by status at one instant. */
    record Counts(long enabled, long pending) {
    }

    /** One UTC day's changes. */
    record Daily(LocalDate date, long setupsStarted, long enablements, long removals, long adminResets) {
    }

    /** The counts as the scheduled report saw them on one day (the adoption curve). */
    record Snapshot(LocalDate date, long enabled, long pending) {
    }

    /** The counts at {@code now}. */
    Counts counts(Instant now);

    /** The daily changes from {@code from} to {@code to} (UTC days, both included), oldest first, zeros included. */
    List<Daily> daily(LocalDate from, LocalDate to);

    /** The recorded days from {@code from} to {@code to}, oldest first (days without a report are absent). */
    List<Snapshot> snapshots(LocalDate from, LocalDate to);

    /** Records the day's counts (the last report of a day wins). */
    void recordSnapshot(LocalDate day, Counts counts);
}
