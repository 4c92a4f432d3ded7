package io.serverlessmfa.core.enrollment;

import static io.serverlessmfa.core.enrollment.Fixture.ALICE;
import static io.serverlessmfa.core.enrollment.Fixture.START;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GetStatusTest {

    private final Fixture f = new Fixture();

    @Test
    void statusIsNoneWithoutEnrollment() {
        assertEquals(new MfaStatus(EnrollmentStatus.NONE, null, null, 0), f.getStatus.status(ALICE));
    }

    @Test
    void statusIsPendingWithItsExpiryAfterSetup() {
        f.setup(ALICE);

        MfaStatus status = f.getStatus.status(ALICE);

        assertEquals(EnrollmentStatus.PENDING, status.status());
        assertEquals(START.plus(Duration.ofMinutes(10)), status.expiresAt());
        assertNull(status.enabledAt());
    }

    @Test
    void statusIsEnabledWithEnabledAtAndRemainingRecoveryCodes() {
        f.enable(ALICE);

        MfaStatus status = f.getStatus.status(ALICE);

        assertEquals(new MfaStatus(EnrollmentStatus.ENABLED, null, START, 1), status);
    }

    @Test
    void statusCountsEveryRemainingRecoveryCode() {
        Fixture three = Fixture.withRecoveryCodeCount(3);
        three.enable(ALICE);

        assertEquals(3, three.getStatus.status(ALICE).recoveryCodesRemaining());
    }

    @Test
    void pendingSetupIsStillPendingOneSecondBeforeItExpires() {
        f.setup(ALICE);
        f.clock.advance(Duration.ofMinutes(10).minusSeconds(1));

        assertEquals(EnrollmentStatus.PENDING, f.getStatus.status(ALICE).status());
    }

    @Test
    void expiredPendingSetupShowsNone() {
        f.setup(ALICE);

        f.clock.advance(Duration.ofMinutes(10));
        assertEquals(new MfaStatus(EnrollmentStatus.NONE, null, null, 0), f.getStatus.status(ALICE));

        f.clock.advance(Duration.ofDays(3));
        assertEquals(EnrollmentStatus.NONE, f.getStatus.status(ALICE).status());
    }

    @Test
    void statusNeedsNoKeyServiceAndWritesNothing() {
        f.enable(ALICE);
        int decrypts = f.cipher.decryptCalls();
        int writes = f.store.committedWrites();

        f.getStatus.status(ALICE);

        assertEquals(decrypts, f.cipher.decryptCalls());
        assertEquals(writes, f.store.committedWrites());
    }

    @Test
    void statusIsPerUser() {
        f.enable(ALICE);

        assertEquals(EnrollmentStatus.NONE, f.getStatus.status(Fixture.BOB).status());
    }
}
