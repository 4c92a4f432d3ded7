package io.serverlessmfa.core.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MfaTokenClaimsTest {

    private static final Instant IAT = Instant.parse("2026-11-28T10:15:10Z");
    private static final Instant EXP = IAT.plusSeconds(300);
    private static final List<AuthenticationMethod> OTP = List.of(AuthenticationMethod.ONE_TIME_PASSWORD);

    private static MfaTokenClaims claims(Instant issuedAt, Instant expiresAt, Instant authenticatedAt,
                                         List<AuthenticationMethod> methods) {
        return new MfaTokenClaims("https://mfa.example.com", "user-alice", "example-portal", issuedAt, expiresAt,
                authenticatedAt, "AAAAAAAAAAAAAAAAAAAAAA", methods, Optional.empty());
    }

    @Test
    void timesAreTruncatedToWholeSeconds() {
        MfaTokenClaims claims = claims(IAT.plusMillis(999), EXP.plusNanos(1), IAT.plusNanos(999_999_999), OTP);

        assertEquals(IAT, claims.issuedAt());
        assertEquals(EXP, claims.expiresAt());
        assertEquals(IAT, claims.authenticatedAt());
    }

    @Test
    void truncationRoundsTowardsTheEarlierSecondBeforeTheEpoch() {
        // NumericDate is a whole number of seconds; an instant before 1970 still truncates downwards.
        Instant early = Instant.parse("1969-12-31T23:59:59.500Z");

        assertEquals(Instant.parse("1969-12-31T23:59:59Z"), claims(early, EXP, early, OTP).issuedAt());
    }

    @Test
    void wholeSecondTimesAreKeptAsGiven() {
        MfaTokenClaims claims = claims(IAT, EXP, IAT.minusSeconds(7), OTP);

        assertEquals(IAT, claims.issuedAt());
        assertEquals(EXP, claims.expiresAt());
        assertEquals(IAT.minusSeconds(7), claims.authenticatedAt());
    }

    @Test
    void anEmptyAmrIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> claims(IAT, EXP, IAT, List.of()));
    }

    @Test
    void theAmrIsACopy() {
        List<AuthenticationMethod> methods = new ArrayList<>(OTP);
        MfaTokenClaims claims = claims(IAT, EXP, IAT, methods);

        methods.add(AuthenticationMethod.RECOVERY_CODE);

        assertEquals(OTP, claims.methods());
        assertThrows(UnsupportedOperationException.class, () -> claims.methods().add(AuthenticationMethod.RECOVERY_CODE));
    }

    @Test
    void provedWithTellsTheMethodsApart() {
        MfaTokenClaims recovery = claims(IAT, EXP, IAT, List.of(AuthenticationMethod.RECOVERY_CODE));

        assertTrue(recovery.provedWith(AuthenticationMethod.RECOVERY_CODE));
        assertFalse(recovery.provedWith(AuthenticationMethod.ONE_TIME_PASSWORD));
        assertTrue(claims(IAT, EXP, IAT, OTP).provedWith(AuthenticationMethod.ONE_TIME_PASSWORD));
    }

    @Test
    void theAmrClaimValuesAreOtpAndRec() {
        assertEquals("otp", AuthenticationMethod.ONE_TIME_PASSWORD.claimValue());
        assertEquals("rec", AuthenticationMethod.RECOVERY_CODE.claimValue());
    }

    @Test
    void expOneSecondAfterIatIsAccepted() {
        assertEquals(IAT.plusSeconds(1), claims(IAT, IAT.plusSeconds(1), IAT, OTP).expiresAt());
    }

    @Test
    void expEqualToIatIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> claims(IAT, IAT, IAT, OTP));
    }

    @Test
    void expBeforeIatIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> claims(IAT, IAT.minusSeconds(1), IAT, OTP));
    }

    @Test
    void expWithinTheSameSecondAsIatIsRefused() {
        // Both truncate to the same NumericDate: the token would be expired as it is issued.
        assertThrows(IllegalArgumentException.class, () -> claims(IAT, IAT.plusMillis(999), IAT, OTP));
    }

    @Test
    void missingClaimsAreRefused() {
        Optional<Nonce> none = Optional.empty();
        assertThrows(NullPointerException.class,
                () -> new MfaTokenClaims(null, "s", "a", IAT, EXP, IAT, "j", OTP, none));
        assertThrows(NullPointerException.class,
                () -> new MfaTokenClaims("i", null, "a", IAT, EXP, IAT, "j", OTP, none));
        assertThrows(NullPointerException.class,
                () -> new MfaTokenClaims("i", "s", null, IAT, EXP, IAT, "j", OTP, none));
        assertThrows(NullPointerException.class,
                () -> new MfaTokenClaims("i", "s", "a", null, EXP, IAT, "j", OTP, none));
        assertThrows(NullPointerException.class,
                () -> new MfaTokenClaims("i", "s", "a", IAT, null, IAT, "j", OTP, none));
        assertThrows(NullPointerException.class,
                () -> new MfaTokenClaims("i", "s", "a", IAT, EXP, null, "j", OTP, none));
        assertThrows(NullPointerException.class,
                () -> new MfaTokenClaims("i", "s", "a", IAT, EXP, IAT, null, OTP, none));
        assertThrows(NullPointerException.class,
                () -> new MfaTokenClaims("i", "s", "a", IAT, EXP, IAT, "j", null, none));
        assertThrows(NullPointerException.class,
                () -> new MfaTokenClaims("i", "s", "a", IAT, EXP, IAT, "j", OTP, null));
    }
}
