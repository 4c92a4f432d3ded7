package io.serverlessmfa.core.token;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.serverlessmfa.core.port.DependencyUnavailableException;
import io.serverlessmfa.core.port.DependencyUnavailableException.Dependency;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The operator's step-up on the helpdesk's routes (contract: "Helpdesk routes"): a token of this
 * issuer and audience, unexpired, the caller's own, proven with the app, at most 5 minutes old.
 * Each refusal starts from an accepted token and changes one thing.
 */
class StepUpTest {

    private static final String ISSUER = "https://mfa.example.com";
    private static final String AUDIENCE = "example-portal";
    private static final String OPERATOR = "user-operator";
    private static final Instant NOW = Instant.parse("2026-11-28T10:15:10Z");
    private static final List<AuthenticationMethod> OTP = List.of(AuthenticationMethod.ONE_TIME_PASSWORD);

    /** The verifier port: the tokens "signed by a published key" are the ones registered here. */
    private final Map<String, MfaTokenClaims> published = new HashMap<>();
    private final List<String> verified = new ArrayList<>();
    private final MfaTokenVerifier verifier = compact -> {
        verified.add(compact);
        return Optional.ofNullable(published.get(compact));
    };
    private final StepUp stepUp = new StepUp(verifier, AUDIENCE, Clock.fixed(NOW, ZoneOffset.UTC));

    /** Claims that pass: checked with the app just now, for the operator, here. */
    private static Claims fresh() {
        return new Claims(ISSUER, OPERATOR, AUDIENCE, NOW, NOW.plus(Duration.ofMinutes(5)), NOW, OTP);
    }

    /** The claims under test, one field changed at a time. */
    private record Claims(String issuer, String subject, String audience, Instant issuedAt, Instant expiresAt,
                          Instant authenticatedAt, List<AuthenticationMethod> methods) {

        Claims issuer(String value) {
            return new Claims(value, subject, audience, issuedAt, expiresAt, authenticatedAt, methods);
        }

        Claims subject(String value) {
            return new Claims(issuer, value, audience, issuedAt, expiresAt, authenticatedAt, methods);
        }

        Claims audience(String value) {
            return new Claims(issuer, subject, value, issuedAt, expiresAt, authenticatedAt, methods);
        }

        /** Issued and checked at {@code at}, living {@code lifetime}. */
        Claims times(Instant at, Duration lifetime) {
            return new Claims(issuer, subject, audience, at, at.plus(lifetime), at, methods);
        }

        Claims authenticatedAt(Instant value) {
            return new Claims(issuer, subject, audience, issuedAt, expiresAt, value, methods);
        }

        Claims methods(List<AuthenticationMethod> value) {
            return new Claims(issuer, subject, audience, issuedAt, expiresAt, authenticatedAt, value);
        }

        MfaTokenClaims build() {
            return new MfaTokenClaims(issuer, subject, audience, issuedAt, expiresAt, authenticatedAt,
                    "jti-" + System.identityHashCode(this), methods, Optional.empty());
        }
    }

    /** Registers the claims as a token the service signed and returns its compact form. */
    private Optional<String> signed(Claims claims) {
        String compact = "token-" + published.size();
        published.put(compact, claims.build());
        return Optional.of(compact);
    }

    private void accepted(Claims claims) {
        Optional<String> token = signed(claims);
        assertDoesNotThrow(() -> stepUp.require(ISSUER, OPERATOR, token));
    }

    private void refused(Claims claims) {
        Optional<String> token = signed(claims);
        assertThrows(StepUpRequiredException.class, () -> stepUp.require(ISSUER, OPERATOR, token));
    }

    // ---- accepted --------------------------------------------------------------------------------

    @Test
    void theOperatorsOwnFreshOtpTokenIsAccepted() {
        Optional<String> token = signed(fresh());

        assertDoesNotThrow(() -> stepUp.require(ISSUER, OPERATOR, token));
        assertEquals(List.of(token.orElseThrow()), verified, "the token's signature was checked");
    }

    @Test
    void aTokenCheckedFourMinutesAndFiftyNineSecondsAgoIsAccepted() {
        accepted(fresh().times(NOW.minus(Duration.ofMinutes(5)).plusSeconds(1), Duration.ofMinutes(10)));
    }

    @Test
    void aTokenCheckedExactlyFiveMinutesAgoIsAccepted() {
        accepted(fresh().times(NOW.minus(StepUp.MAX_AGE), Duration.ofMinutes(10)));
    }

    @Test
    void aTokenCheckedASecondInTheFutureIsAccepted() {
        // The containers' clocks differ a little.
        accepted(fresh().authenticatedAt(NOW.plusSeconds(1)));
    }

    @Test
    void aTokenWithOtpAmongItsMethodsIsAccepted() {
        accepted(fresh().methods(List.of(AuthenticationMethod.RECOVERY_CODE, AuthenticationMethod.ONE_TIME_PASSWORD)));
    }

    @Test
    void theMaximumAgeIsFiveMinutes() {
        assertEquals(Duration.ofMinutes(5), StepUp.MAX_AGE);
    }

    // ---- refused ---------------------------------------------------------------------------------

    @Test
    void noTokenIsRefused() {
        assertThrows(StepUpRequiredException.class, () -> stepUp.require(ISSUER, OPERATOR, Optional.empty()));
        assertEquals(List.of(), verified);
    }

    @Test
    void aTokenTheVerifierDoesNotRecogniseIsRefused() {
        signed(fresh());

        assertThrows(StepUpRequiredException.class,
                () -> stepUp.require(ISSUER, OPERATOR, Optional.of("not-signed-by-a-published-key")));
    }

    @Test
    void aTokenOfAnotherIssuerIsRefused() {
        refused(fresh().issuer("https://other.example.com"));
    }

    @Test
    void aTokenWhenTheRequestReachedAnotherIssuerIsRefused() {
        Optional<String> token = signed(fresh());

        assertThrows(StepUpRequiredException.class,
                () -> stepUp.require("http://127.0.0.1:3000", OPERATOR, token));
    }

    @Test
    void aTokenForAnotherAudienceIsRefused() {
        refused(fresh().audience("another-portal"));
    }

    @Test
    void anExpiredTokenIsRefused() {
        // Checked 4 minutes ago (young enough), but it expired a minute ago.
        refused(fresh().times(NOW.minus(Duration.ofMinutes(4)), Duration.ofMinutes(3)));
    }

    @Test
    void aTokenThatExpiredLongAgoIsRefused() {
        refused(fresh().times(NOW.minus(Duration.ofDays(1)), Duration.ofMinutes(5)).authenticatedAt(NOW));
    }

    @Test
    void anotherUsersTokenIsRefused() {
        refused(fresh().subject("user-alice"));
    }

    @Test
    void aTokenForTheOperatorIsRefusedForAnotherCaller() {
        Optional<String> token = signed(fresh());

        assertThrows(StepUpRequiredException.class, () -> stepUp.require(ISSUER, "user-alice", token));
    }

    @Test
    void aTokenProvenOnlyWithARecoveryCodeIsRefused() {
        refused(fresh().methods(List.of(AuthenticationMethod.RECOVERY_CODE)));
    }

    @Test
    void aTokenCheckedMoreThanFiveMinutesAgoIsRefused() {
        refused(fresh().times(NOW.minus(StepUp.MAX_AGE).minusSeconds(1), Duration.ofMinutes(10)));
    }

    @Test
    void anUnexpiredTokenCheckedLongAgoIsRefused() {
        // A long token lifetime does not stretch the step-up's maximum age.
        refused(fresh().times(NOW.minus(Duration.ofHours(1)), Duration.ofHours(12)));
    }

    @Test
    void aTokenCheckedFarInTheFutureIsRefused() {
        refused(fresh().authenticatedAt(NOW.plus(Duration.ofHours(1))));
    }

    @Test
    void aTokenCheckedAFewMinutesInTheFutureIsRefused() {
        refused(fresh().authenticatedAt(NOW.plus(Duration.ofMinutes(2))));
    }

    @Test
    void aRefusalIsNotAnOutage() {
        DependencyUnavailableException outage = new DependencyUnavailableException(Dependency.STORE,
                "injected: the published keys cannot be read", null);
        StepUp failing = new StepUp(compact -> {
            throw outage;
        }, AUDIENCE, Clock.fixed(NOW, ZoneOffset.UTC));
        Optional<String> token = signed(fresh());

        assertSame(outage, assertThrows(DependencyUnavailableException.class,
                () -> failing.require(ISSUER, OPERATOR, token)), "503, not 403: the caller may retry");
    }
}
