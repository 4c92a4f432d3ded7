package io.serverlessmfa.core.enrollment;

import io.serverlessmfa.core.adoption.AdoptionChange;
import io.serverlessmfa.core.audit.SecurityEvent;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An {@link EnrollmentStore} in memory, with the version semantics of the port's Javadoc:
 * <ul>
 *   <li>{@code savePending}: allowed over nothing or a PENDING record (expired or not); keeps the
 *       failedAttempts/lockedUntil of an existing pending record; version = old + 1 (also after a
 *       delete: versions never repeat for a user), or 1;
 *       over any other record than {@code current} it throws {@link EnrollmentChangedException}
 *       with the stored record, as the DynamoDB store does, and writes nothing;</li>
 *   <li>{@code replace}: only if the stored version is {@code next.version() - 1};</li>
 *   <li>{@code delete}: only if the stored version is {@code current.version()}.</li>
 *   <li>{@code cancelPending}: as delete, and the failure count is kept for the next setup;</li>
 *   <li>{@code savePending} and {@code cancelPending} count the change in their window and refuse
 *       the one past its limit ({@link SetupChangeLimitReachedException}), writing nothing.</li>
 * </ul>
 * Hooks: {@link #failNextWrite} throws an exception on the next write (nothing written),
 * {@link #beforeNextWrite} runs a "concurrent request" just before the next write is checked,
 * {@link #failNextRead} throws on the next read.
 */
final class InMemoryEnrollmentStore implements EnrollmentStore {

    private final Map<String, Enrollment> records = new HashMap<>();
    /** The tombstone versions of removed enrollments, as the DynamoDB store keeps them. */
    private final Map<String, Long> removedVersions = new HashMap<>();
    /** The failure counts of cancelled setups, as the DynamoDB store keeps them in the tombstone. */
    private final Map<String, Integer> removedFailures = new HashMap<>();
    /** Setup changes per user and window start. */
    private final Map<String, Integer> setupChanges = new HashMap<>();
    private final Deque<RuntimeException> writeFailures = new ArrayDeque<>();
    private RuntimeException readFailure;
    private Runnable beforeNextWrite;
    private int committedWrites;
    private int reads;
    private final Map<String, List<SecurityEvent>> events = new HashMap<>();
    private final Map<Instant, Integer> pendingByExpiry = new HashMap<>();
    private int enabledCount;

    @Override
    public synchronized Optional<Enrollment> find(String userId) {
        reads++;
        if (readFailure != null) {
            RuntimeException failure = readFailure;
            readFailure = null;
            throw failure;
        }
        return Optional.ofNullable(records.get(userId));
    }

    @Override
    public synchronized void savePending(Optional<Enrollment> current, Enrollment.Pending pending, SecurityEvent event,
                                         SetupChangeWindow window) {
        beforeWrite();
        Enrollment existing = records.get(pending.userId());
        boolean unchanged = existing == null ? current.isEmpty()
                : current.map(read -> read.version() == existing.version()).orElse(false);
        if (!unchanged) {
            // As the DynamoDB store's refused write returns the item it was checked against.
            throw new EnrollmentChangedException("the enrollment changed since it was read", Optional.ofNullable(existing));
        }
        countSetupChange(pending.userId(), window);
        Enrollment stored = existing == null
                ? new Enrollment.Pending(pending.userId(), pending.authenticator(), pending.expiresAt(),
                        new Lockout.Counting(removedFailures.getOrDefault(pending.userId(), 0)),
                        removedVersions.getOrDefault(pending.userId(), 0L) + 1)
                : new Enrollment.Pending(pending.userId(), pending.authenticator(), pending.expiresAt(),
                        existing.lockout(), existing.version() + 1);
        commit(current, Optional.of(stored), Optional.of(event));
    }

    @Override
    public synchronized void cancelPending(Enrollment.Pending current, SecurityEvent event, SetupChangeWindow window) {
        beforeWrite();
        Enrollment stored = records.get(current.userId());
        if (stored == null || stored.version() != current.version()) {
            throw new ConcurrentUpdateException("stored version is not " + current.version());
        }
        countSetupChange(current.userId(), window);
        removedVersions.put(current.userId(), current.version() + 1);
        removedFailures.put(current.userId(), stored.lockout().failedAttempts());
        commit(Optional.of(stored), Optional.empty(), Optional.of(event));
    }

    /** Counts one setup change in {@code window}, or refuses it past the limit (nothing written). */
    private void countSetupChange(String userId, SetupChangeWindow window) {
        String key = userId + "@" + window.start();
        int changes = setupChanges.getOrDefault(key, 0);
        if (changes >= window.maxChanges()) {
            throw new SetupChangeLimitReachedException(window);
        }
        setupChanges.put(key, changes + 1);
    }

    @Override
    public synchronized void replace(Enrollment current, Enrollment next, Optional<SecurityEvent> event) {
        beforeWrite();
        Enrollment stored = records.get(next.userId());
        if (stored == null || stored.version() != current.version() || next.version() != current.version() + 1) {
            throw new ConcurrentUpdateException("stored version is not " + current.version());
        }
        commit(Optional.of(stored), Optional.of(next), event);
    }

    @Override
    public synchronized void delete(Enrollment current, SecurityEvent event, Optional<SecurityEvent> operatorEvent) {
        beforeWrite();
        Enrollment stored = records.get(current.userId());
        if (stored == null || stored.version() != current.version()) {
            throw new ConcurrentUpdateException("stored version is not " + current.version());
        }
        removedVersions.put(current.userId(), current.version() + 1);
        removedFailures.remove(current.userId());
        commit(Optional.of(stored), Optional.empty(), Optional.of(event));
        operatorEvent.ifPresent(e -> events.computeIfAbsent(e.helpdesk().orElseThrow().operatorId(), id -> new ArrayList<>()).add(e));
    }

    /** Applies one write with its event and counter changes, all or nothing, as the DynamoDB store does. */
    private void commit(Optional<Enrollment> before, Optional<Enrollment> after, Optional<SecurityEvent> event) {
        String userId = before.or(() -> after).orElseThrow().userId();
        after.ifPresentOrElse(enrollment -> records.put(userId, enrollment), () -> records.remove(userId));
        event.ifPresent(e -> events.computeIfAbsent(userId, id -> new ArrayList<>()).add(e));
        AdoptionChange change = AdoptionChange.between(before, after, event);
        enabledCount += change.enabled();
        change.pendingByExpiry().forEach((expiry, delta) -> pendingByExpiry.merge(expiry, delta, Integer::sum));
        committedWrites++;
    }

    /** The events stored for {@code userId}, oldest first. */
    synchronized List<SecurityEvent> events(String userId) {
        return List.copyOf(events.getOrDefault(userId, List.of()));
    }

    /** Users with MFA enabled, by the counter the writes keep. */
    synchronized int enabledCount() {
        return enabledCount;
    }

    /** Pending setups at {@code now}, by the per-expiry counters the writes keep. */
    synchronized int pendingCount(Instant now) {
        return pendingByExpiry.entrySet().stream().filter(entry -> entry.getKey().isAfter(now))
                .mapToInt(Map.Entry::getValue).sum();
    }

    /** Puts a record as is (test setup, e.g. a tampered record). */
    synchronized void put(Enrollment enrollment) {
        records.put(enrollment.userId(), enrollment);
    }

    /** The next write throws {@code failure} and writes nothing. */
    synchronized void failNextWrite(RuntimeException failure) {
        writeFailures.add(failure);
    }

    /** The next {@code count} writes throw {@code failure} and write nothing. */
    synchronized void failNextWrites(int count, RuntimeException failure) {
        for (int i = 0; i < count; i++) {
            writeFailures.add(failure);
        }
    }

    /** The next read throws {@code failure}. */
    synchronized void failNextRead(RuntimeException failure) {
        readFailure = failure;
    }

    /** Runs {@code concurrentRequest} (once, with this hook cleared) just before the next write is checked. */
    synchronized void beforeNextWrite(Runnable concurrentRequest) {
        beforeNextWrite = concurrentRequest;
    }

    synchronized int committedWrites() {
        return committedWrites;
    }

    /** The reads ({@link #find}) so far. */
    synchronized int reads() {
        return reads;
    }

    private void beforeWrite() {
        Runnable hook = beforeNextWrite;
        beforeNextWrite = null;
        if (hook != null) {
            hook.run();
        }
        RuntimeException failure = writeFailures.poll();
        if (failure != null) {
            throw failure;
        }
    }
}
