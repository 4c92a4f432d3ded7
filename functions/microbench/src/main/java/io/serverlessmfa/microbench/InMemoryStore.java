package io.serverlessmfa.microbench;

import io.serverlessmfa.core.audit.SecurityEvent;
import io.serverlessmfa.core.enrollment.Enrollment;
import io.serverlessmfa.core.enrollment.ConcurrentUpdateException;
import io.serverlessmfa.core.enrollment.EnrollmentChangedException;
import io.serverlessmfa.core.enrollment.EnrollmentStore;
import io.serverlessmfa.core.enrollment.Lockout;
import io.serverlessmfa.core.enrollment.SetupChangeWindow;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The store without its round trip: a HashMap with the port's version check (the conditional write
 * of the DynamoDB store, whose refused setup write says what is stored). Events are dropped after
 * the use case built them. Single-threaded use only.
 */
final class InMemoryStore implements EnrollmentStore {

    private final Map<String, Enrollment> records = new HashMap<>();

    @Override
    public Optional<Enrollment> find(String userId) {
        return Optional.ofNullable(records.get(userId));
    }

    @Override
    public void savePending(Optional<Enrollment> current, Enrollment.Pending pending, SecurityEvent event,
                            SetupChangeWindow window) {
        Enrollment stored = records.get(pending.userId());
        long storedVersion = stored == null ? 0 : stored.version();
        long readVersion = current.map(Enrollment::version).orElse(0L);
        if (storedVersion != readVersion) {
            throw new EnrollmentChangedException("changed since read", Optional.ofNullable(stored));
        }
        records.put(pending.userId(), new Enrollment.Pending(pending.userId(), pending.authenticator(),
                pending.expiresAt(), Lockout.clear(), storedVersion + 1));
    }

    @Override
    public void replace(Enrollment current, Enrollment next, Optional<SecurityEvent> event) {
        Enrollment stored = records.get(next.userId());
        if (stored == null || stored.version() != current.version() || next.version() != current.version() + 1) {
            throw new ConcurrentUpdateException("changed since read");
        }
        records.put(next.userId(), next);
    }

    @Override
    public void cancelPending(Enrollment.Pending current, SecurityEvent event, SetupChangeWindow window) {
        delete(current, event, Optional.empty());
    }

    @Override
    public void delete(Enrollment current, SecurityEvent event, Optional<SecurityEvent> operatorEvent) {
        Enrollment stored = records.get(current.userId());
        if (stored == null || stored.version() != current.version()) {
            throw new ConcurrentUpdateException("changed since read");
        }
        records.remove(current.userId());
    }

    /** Puts a record as is: the benchmarks' per-operation reset (one HashMap put). */
    void put(Enrollment enrollment) {
        records.put(enrollment.userId(), enrollment);
    }

    /** Forgets a user (one HashMap remove). */
    void remove(String userId) {
        records.remove(userId);
    }
}
