package io.serverlessmfa.core.adoption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.core.audit.RequestOrigin;
import io.serverlessmfa.core.audit.SecurityEvent;
import io.serverlessmfa.core.audit.SecurityEventType;
import io.serverlessmfa.core.enrollment.Enrollment;
import io.serverlessmfa.core.enrollment.LockoutPolicy;
import io.serverlessmfa.core.port.EncryptedSecret;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AdoptionChangeTest {

    private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");
    private static final Instant EXPIRY = NOW.plusSeconds(600);
    private static final Enrollment.Pending PENDING = Enrollment.Pending.started("u", new EncryptedSecret(new byte[] {1}), EXPIRY);
    private static final Enrollment ENABLED = PENDING.confirmed(NOW, 1, List.of());

    private static Optional<SecurityEvent> event(SecurityEventType type) {
        return Optional.of(SecurityEvent.of(type, NOW, RequestOrigin.unknown()));
    }

    @Test
    void aNewSetupIsOnePendingUserAtItsExpiry() {
        AdoptionChange change = AdoptionChange.between(Optional.empty(), Optional.of(PENDING), event(SecurityEventType.SETUP_STARTED));

        assertEquals(new AdoptionChange(0, Map.of(EXPIRY, 1), 1, 0, 0, 0), change);
    }

    @Test
    void aRestartMovesThePendingUserToTheNewExpiry() {
        Enrollment restarted = Enrollment.Pending.started("u", new EncryptedSecret(new byte[] {2}), EXPIRY.plusSeconds(30));

        AdoptionChange change = AdoptionChange.between(Optional.of(PENDING), Optional.of(restarted),
                event(SecurityEventType.SETUP_STARTED));

        assertEquals(Map.of(EXPIRY, -1, EXPIRY.plusSeconds(30), 1), change.pendingByExpiry());
        assertEquals(0, change.enabled());
    }

    @Test
    void confirmationTurnsAPendingUserIntoAnEnabledOne() {
        AdoptionChange change = AdoptionChange.between(Optional.of(PENDING), Optional.of(ENABLED), event(SecurityEventType.MFA_ENABLED));

        assertEquals(new AdoptionChange(1, Map.of(EXPIRY, -1), 0, 1, 0, 0), change);
    }

    @Test
    void anAdminResetOfAnEnabledUserIsARemovalAndAReset() {
        AdoptionChange change = AdoptionChange.between(Optional.of(ENABLED), Optional.empty(), event(SecurityEventType.ADMIN_RESET));

        assertEquals(new AdoptionChange(-1, Map.of(), 0, 0, 1, 1), change);
    }

    @Test
    void aCountedFailureChangesNoCount() {
        Enrollment failed = PENDING.withFailure(NOW, LockoutPolicy.defaults());

        assertTrue(AdoptionChange.between(Optional.of(PENDING), Optional.of(failed), Optional.empty()).isEmpty(),
                "same status, same expiry: nothing to write but the enrollment");
    }
}
