package io.serverlessmfa.core.enrollment;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.core.port.ConcurrentUpdateException;
import io.serverlessmfa.core.port.DependencyUnavailableException;
import io.serverlessmfa.core.port.EncryptedSecret;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The double honours the port's version semantics, or the use-case tests prove nothing. */
class InMemoryEnrollmentStoreTest {

    private static final String USER = "u1";
    private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");
    private static final LockoutPolicy LOCKOUT = new LockoutPolicy(2, Duration.ofMinutes(5));

    private final InMemoryEnrollmentStore store = new InMemoryEnrollmentStore();

    private static Enrollment pending(int secretByte) {
        return Enrollment.pending(USER, new EncryptedSecret(new byte[] {(byte) secretByte}), NOW.plusSeconds(600));
    }

    @Test
    void savePendingOverNothingStartsAtVersionOne() {
        assertTrue(store.savePending(pending(1)));

        Enrollment stored = store.find(USER).orElseThrow();
        assertEquals(1, stored.version());
        assertEquals(EnrollmentStatus.PENDING, stored.status());
    }

    @Test
    void savePendingOverPendingIncrementsTheVersionAndKeepsTheLockoutState() {
        store.savePending(pending(1));
        Enrollment failed = store.find(USER).orElseThrow().withFailure(NOW, LOCKOUT).withFailure(NOW, LOCKOUT);
        store.put(failed);
        assertEquals(NOW.plus(Duration.ofMinutes(5)), failed.lockedUntil());

        assertTrue(store.savePending(pending(2)));

        Enrollment stored = store.find(USER).orElseThrow();
        assertEquals(failed.version() + 1, stored.version());
        assertEquals(failed.failedAttempts(), stored.failedAttempts());
        assertEquals(failed.lockedUntil(), stored.lockedUntil());
        assertEquals(new EncryptedSecret(new byte[] {2}), stored.secret());
    }

    @Test
    void savePendingOverEnabledWritesNothing() {
        store.savePending(pending(1));
        Enrollment enabled = store.find(USER).orElseThrow().confirmed(NOW, 5, List.of());
        store.replace(enabled);

        assertFalse(store.savePending(pending(2)));

        assertEquals(enabled, store.find(USER).orElseThrow());
    }

    @Test
    void replaceNeedsTheStoredVersionToBeTheOneBefore() {
        store.savePending(pending(1));
        Enrollment current = store.find(USER).orElseThrow();
        Enrollment next = current.withFailure(NOW, LOCKOUT);

        store.replace(next);
        assertThrows(ConcurrentUpdateException.class, () -> store.replace(next), "computed from a stale version");
        assertThrows(ConcurrentUpdateException.class, () -> store.replace(current));
        assertEquals(next, store.find(USER).orElseThrow());
    }

    @Test
    void replaceOfAMissingEnrollmentConflicts() {
        Enrollment ghost = pending(1).withFailure(NOW, LOCKOUT);

        assertThrows(ConcurrentUpdateException.class, () -> store.replace(ghost));
        assertTrue(store.find(USER).isEmpty());
    }

    @Test
    void deleteNeedsTheStoredVersion() {
        store.savePending(pending(1));
        Enrollment v1 = store.find(USER).orElseThrow();
        store.replace(v1.withFailure(NOW, LOCKOUT));

        assertThrows(ConcurrentUpdateException.class, () -> store.delete(v1));
        assertTrue(store.find(USER).isPresent());

        store.delete(store.find(USER).orElseThrow());
        assertTrue(store.find(USER).isEmpty());
    }

    @Test
    void anInjectedFailureHitsOnlyTheNextWriteAndWritesNothing() {
        DependencyUnavailableException outage = new DependencyUnavailableException("x", null);
        store.failNextWrite(outage);

        assertSame(outage, assertThrows(DependencyUnavailableException.class, () -> store.savePending(pending(1))));
        assertTrue(store.find(USER).isEmpty());
        assertDoesNotThrow(() -> store.savePending(pending(1)));
        assertEquals(1, store.committedWrites());
    }
}
