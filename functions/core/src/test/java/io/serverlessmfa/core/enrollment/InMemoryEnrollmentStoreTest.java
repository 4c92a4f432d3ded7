package io.serverlessmfa.core.enrollment;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.core.audit.SecurityEvent;
import io.serverlessmfa.core.audit.SecurityEventType;
import io.serverlessmfa.core.port.DependencyUnavailableException;
import io.serverlessmfa.core.port.EncryptedSecret;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The double honours the port's version semantics, or the use-case tests prove nothing. */
class InMemoryEnrollmentStoreTest {

    private static final String USER = "u1";
    private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");
    /** A window that no test here fills. */
    private static final SetupChangeWindow WINDOW = new SetupChangeLimit(1_000, java.time.Duration.ofHours(1))
            .windowAt(java.time.Instant.parse("2026-11-28T10:00:00Z"));
    private static final LockoutPolicy LOCKOUT = new LockoutPolicy(2, Duration.ofMinutes(5), Duration.ofHours(24), 100);

    private final InMemoryEnrollmentStore store = new InMemoryEnrollmentStore();

    private static Enrollment.Pending pending(int secretByte) {
        return Enrollment.Pending.started(USER, new EncryptedSecret(new byte[] {(byte) secretByte}), NOW.plusSeconds(600));
    }

    private static final SecurityEvent EVENT = SecurityEvent.of(SecurityEventType.SETUP_STARTED, NOW, Fixture.ORIGIN);

    @Test
    void savePendingOverNothingStartsAtVersionOne() {
        store.savePending(Optional.empty(), pending(1), EVENT, WINDOW);

        Enrollment stored = store.find(USER).orElseThrow();
        assertEquals(1, stored.version());
        assertEquals(EnrollmentStatus.PENDING, stored.status());
        assertEquals(List.of(EVENT), store.events(USER));
        assertEquals(1, store.pendingCount(NOW));
    }

    @Test
    void savePendingOverPendingIncrementsTheVersionAndKeepsTheLockoutState() {
        store.savePending(Optional.empty(), pending(1), EVENT, WINDOW);
        Enrollment failed = store.find(USER).orElseThrow().withFailure(NOW, LOCKOUT).withFailure(NOW, LOCKOUT);
        store.put(failed);
        assertEquals(Optional.of(NOW.plus(Duration.ofMinutes(5))), failed.lockout().lockEnd());

        store.savePending(Optional.of(failed), pending(2), EVENT, WINDOW);

        Enrollment stored = store.find(USER).orElseThrow();
        assertEquals(failed.version() + 1, stored.version());
        assertEquals(failed.lockout(), stored.lockout());
        assertEquals(new EncryptedSecret(new byte[] {2}), stored.authenticator().secret());
        assertEquals(1, store.pendingCount(NOW), "a restarted setup is still one pending user");
    }

    @Test
    void savePendingOverAStaleReadConflictsAndWritesNothing() {
        store.savePending(Optional.empty(), pending(1), EVENT, WINDOW);
        Enrollment enabled = ((Enrollment.Pending) store.find(USER).orElseThrow()).confirmed(NOW, 5, List.of());
        store.replace(store.find(USER).orElseThrow(), enabled, Optional.empty());

        EnrollmentChangedException refused = assertThrows(EnrollmentChangedException.class,
                () -> store.savePending(Optional.empty(), pending(2), EVENT, WINDOW));

        assertEquals(Optional.of(enabled), refused.stored(), "the refusal says what is stored");
        assertEquals(enabled, store.find(USER).orElseThrow());
        assertEquals(1, store.enabledCount());
        assertEquals(0, store.pendingCount(NOW));
    }

    @Test
    void replaceNeedsTheStoredVersionToBeTheOneBefore() {
        store.savePending(Optional.empty(), pending(1), EVENT, WINDOW);
        Enrollment current = store.find(USER).orElseThrow();
        Enrollment next = current.withFailure(NOW, LOCKOUT);

        store.replace(current, next, Optional.empty());
        assertThrows(ConcurrentUpdateException.class, () -> store.replace(current, next, Optional.empty()),
                "computed from a stale version");
        assertEquals(next, store.find(USER).orElseThrow());
    }

    @Test
    void replaceOfAMissingEnrollmentConflicts() {
        Enrollment ghost = pending(1);

        assertThrows(ConcurrentUpdateException.class, () -> store.replace(ghost, ghost.withFailure(NOW, LOCKOUT),
                Optional.empty()));
        assertTrue(store.find(USER).isEmpty());
    }

    @Test
    void deleteNeedsTheStoredVersion() {
        store.savePending(Optional.empty(), pending(1), EVENT, WINDOW);
        Enrollment v1 = store.find(USER).orElseThrow();
        store.replace(v1, v1.withFailure(NOW, LOCKOUT), Optional.empty());
        SecurityEvent cancelled = SecurityEvent.of(SecurityEventType.SETUP_CANCELLED, NOW, Fixture.ORIGIN);

        assertThrows(ConcurrentUpdateException.class, () -> store.delete(v1, cancelled));
        assertTrue(store.find(USER).isPresent());

        store.delete(store.find(USER).orElseThrow(), cancelled);
        assertTrue(store.find(USER).isEmpty());
        assertEquals(List.of(EVENT, cancelled), store.events(USER));
        assertEquals(0, store.pendingCount(NOW));
    }

    @Test
    void anInjectedFailureHitsOnlyTheNextWriteAndWritesNothing() {
        DependencyUnavailableException outage = new DependencyUnavailableException(DependencyUnavailableException.Dependency.STORE, "x", null);
        store.failNextWrite(outage);

        assertSame(outage, assertThrows(DependencyUnavailableException.class,
                () -> store.savePending(Optional.empty(), pending(1), EVENT, WINDOW)));
        assertTrue(store.find(USER).isEmpty());
        assertEquals(List.of(), store.events(USER));
        assertDoesNotThrow(() -> store.savePending(Optional.empty(), pending(1), EVENT, WINDOW));
        assertEquals(1, store.committedWrites());
    }
}
