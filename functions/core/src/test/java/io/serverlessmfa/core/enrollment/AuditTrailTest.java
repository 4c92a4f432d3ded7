package io.serverlessmfa.core.enrollment;

import static io.serverlessmfa.core.enrollment.Fixture.ALICE;
import static io.serverlessmfa.core.enrollment.Fixture.ORIGIN;
import static io.serverlessmfa.core.enrollment.Fixture.rejection;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.serverlessmfa.core.audit.HelpdeskAction;
import io.serverlessmfa.core.audit.RequestOrigin;
import io.serverlessmfa.core.audit.ResetReason;
import io.serverlessmfa.core.audit.SecurityEvent;
import io.serverlessmfa.core.audit.SecurityEventType;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Every state change writes its security event in the same write (the in-memory store applies
 * both or neither, as the DynamoDB transaction does), and the adoption counts follow.
 */
class AuditTrailTest {

    private final Fixture f = new Fixture();

    private List<SecurityEventType> types() {
        return f.store.events(ALICE).stream().map(SecurityEvent::type).toList();
    }

    @Test
    void theLifecycleWritesOneEventPerStateChangeWithItsOriginAndTime() {
        Fixture.Enabled enabled = f.enable(ALICE);
        f.verify(ALICE, f.currentCode(enabled.secret()));
        f.clock.advance(Duration.ofSeconds(30));
        f.recover(ALICE, enabled.recoveryCodes().get(0));
        f.clock.advance(Duration.ofSeconds(30));
        f.regenerateRecoveryCodes.regenerate(ORIGIN, ALICE, f.currentCode(enabled.secret()));
        f.clock.advance(Duration.ofSeconds(30));
        f.remove(ALICE, f.currentCode(enabled.secret()));

        assertEquals(List.of(SecurityEventType.SETUP_STARTED, SecurityEventType.MFA_ENABLED,
                SecurityEventType.RECOVERY_CODE_USED, SecurityEventType.RECOVERY_CODES_REGENERATED,
                SecurityEventType.MFA_REMOVED), types(), "an accepted sign-in code is not a state change");
        for (SecurityEvent event : f.store.events(ALICE)) {
            assertEquals(ORIGIN, event.origin());
            assertEquals(Optional.empty(), event.helpdesk());
        }
        assertEquals(f.clock.instant(), f.store.events(ALICE).get(4).at());
        assertEquals(0, f.store.enabledCount());
    }

    @Test
    void onlyTheFailureThatStartsTheLockIsAudited() {
        Fixture.Enabled enabled = f.enable(ALICE);
        for (int i = 0; i < 5; i++) {
            assertEquals(MfaRejection.Reason.INVALID_CODE, rejection(() -> f.verify(ALICE, f.wrongCode(enabled.secret()))));
        }
        assertEquals(MfaRejection.Reason.TOO_MANY_ATTEMPTS, rejection(() -> f.verify(ALICE, f.wrongCode(enabled.secret()))));

        assertEquals(List.of(SecurityEventType.SETUP_STARTED, SecurityEventType.MFA_ENABLED, SecurityEventType.LOCKED_OUT),
                types());
    }

    @Test
    void cancellingASetupIsAuditedAndLeavesNoPendingUser() {
        f.setup(ALICE);
        assertEquals(1, f.store.pendingCount(f.clock.instant()));

        f.removeMfa.remove(ORIGIN, ALICE, Optional.empty());

        assertEquals(List.of(SecurityEventType.SETUP_STARTED, SecurityEventType.SETUP_CANCELLED), types());
        assertEquals(0, f.store.pendingCount(f.clock.instant()));
    }

    @Test
    void theCountsFollowSetupRestartExpiryAndConfirmation() {
        f.setup(ALICE);
        f.setup(Fixture.BOB);
        f.clock.advance(Duration.ofSeconds(30));
        String secret = f.setup(ALICE).secret();
        assertEquals(2, f.store.pendingCount(f.clock.instant()), "a restart is still one pending user");

        f.clock.advance(f.policy.pendingLifetime().minusSeconds(15));
        assertEquals(1, f.store.pendingCount(f.clock.instant()), "Bob's setup expired by time alone");

        f.confirm(ALICE, f.currentCode(secret));
        assertEquals(0, f.store.pendingCount(f.clock.instant()));
        assertEquals(1, f.store.enabledCount());
    }

    @Test
    void anAdminResetRemovesEnabledMfaEvenWhileLockedAndRecordsTheOperator() {
        Fixture.Enabled enabled = f.enable(ALICE);
        for (int i = 0; i < 5; i++) {
            rejection(() -> f.verify(ALICE, f.wrongCode(enabled.secret())));
        }
        RequestOrigin helpdesk = new RequestOrigin("198.51.100.7", "helpdesk console");
        ResetMfa reset = new ResetMfa(f.attempts);
        ResetReason why = new ResetReason("Lost phone and recovery code; identity checked by video call");

        assertEquals(EnrollmentStatus.ENABLED, reset.reset(helpdesk, "operator-1", ALICE, why));

        assertEquals(Optional.empty(), f.store.find(ALICE));
        SecurityEvent last = f.store.events(ALICE).get(f.store.events(ALICE).size() - 1);
        HelpdeskAction action = new HelpdeskAction("operator-1", ALICE, Optional.of(why));
        assertEquals(new SecurityEvent(SecurityEventType.ADMIN_RESET, last.at(), helpdesk, Optional.of(action)), last);
        assertEquals(List.of(new SecurityEvent(SecurityEventType.ADMIN_RESET_PERFORMED, last.at(), helpdesk, Optional.of(action))),
                f.store.events("operator-1"), "the operator's own trail: whom, when, why");
        assertEquals(0, f.store.enabledCount());
        assertEquals(MfaRejection.Reason.MFA_NOT_ENABLED, rejection(() -> reset.reset(helpdesk, "operator-1", ALICE, why)));
        f.setup(ALICE);
        assertEquals(EnrollmentStatus.PENDING, f.getStatus.status(ALICE).status(), "a new setup starts unlocked");
    }

    @Test
    void anOperatorCannotResetThemselvesAndNothingIsWritten() {
        f.enable(ALICE);
        int writes = f.store.committedWrites();

        assertEquals(MfaRejection.Reason.CANNOT_RESET_SELF, rejection(() -> new ResetMfa(f.attempts)
                .reset(ORIGIN, ALICE, ALICE, new ResetReason("testing"))));

        assertEquals(EnrollmentStatus.ENABLED, f.getStatus.status(ALICE).status());
        assertEquals(writes, f.store.committedWrites());
    }

    @Test
    void aReasonIsOneToFiveHundredCharactersWithoutControlCharacters() {
        assertEquals(500, new ResetReason("é".repeat(500)).text().length());
        assertEquals(1000, new ResetReason("😀".repeat(500)).text().length(), "500 characters, 1,000 UTF-16 units");
        for (String invalid : List.of("", " ", "x".repeat(501), "😀".repeat(501), "line\nbreak", "tab\there",
                "lone \ud800 surrogate", "line\u2028separator")) {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new ResetReason(invalid), invalid);
        }
    }
}
