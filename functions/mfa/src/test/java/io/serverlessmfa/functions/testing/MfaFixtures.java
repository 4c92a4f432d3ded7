package io.serverlessmfa.functions.testing;

import static io.serverlessmfa.functions.testing.ContractAssertions.assertError;
import static io.serverlessmfa.functions.testing.ContractAssertions.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Brings a user into a state through the routes themselves (no back door into the table), and
 * makes codes that are well-formed but wrong.
 */
public final class MfaFixtures {

    /** Spans two 60 s periods (or four 30 s ones) either side of now: beyond any window the tests use. */
    private static final Duration WRONG_CODE_SPAN = Duration.ofSeconds(240);

    private final MfaApi api;
    private final MutableClock clock;

    public MfaFixtures(MfaApi api, MutableClock clock) {
        this.api = api;
        this.clock = clock;
    }

    /** A user with MFA on: its secret and the recovery codes shown at confirmation. */
    public record Enabled(String secret, List<String> recoveryCodes) {

        public String recoveryCode() {
            return recoveryCodes.get(0);
        }
    }

    /** {@code POST /mfa/setup}: the pending secret. */
    public String pending(TestUser user) {
        return assertSuccess(201, api.setup(user)).text("secret");
    }

    /**
     * Setup and confirm with the current code, then moves the clock one 30 s step on so the next
     * current code is not a replay of the confirming one.
     */
    public Enabled enabled(TestUser user) {
        String secret = pending(user);
        ApiResult confirmed = assertSuccess(200, api.confirm(user, api.codeFor(secret)));
        assertEquals("ENABLED", confirmed.text("status"), confirmed::toString);
        clock.advance(Duration.ofSeconds(30));
        return new Enabled(secret, confirmed.texts("recoveryCodes"));
    }

    /**
     * An operator's step-up for the helpdesk's routes: enrols the operator ({@link #enabled}, which
     * moves the clock one step on) and verifies the then current code; the MFA token of that verify
     * (amr otp, auth_time now).
     */
    public String stepUp(TestUser operator) {
        Enabled enabled = enabled(operator);
        ApiResult verified = assertSuccess(200, api.verify(operator, api.codeFor(enabled.secret())));
        String token = verified.text("mfaToken");
        assertFalse(token == null || token.isEmpty(), verified::toString);
        return token;
    }

    /** Six digits (or as many as the current code has) that match no step near now. */
    public String wrongCode(String secret) {
        int digits = api.codeFor(secret).length();
        Set<String> near = new HashSet<>();
        for (long s = -WRONG_CODE_SPAN.toSeconds(); s <= WRONG_CODE_SPAN.toSeconds(); s += 15) {
            near.add(api.codeFor(secret, Duration.ofSeconds(s)));
        }
        for (int candidate = 0; ; candidate++) {
            String code = String.format("%0" + digits + "d", (long) candidate * 7919 % (long) Math.pow(10, digits));
            if (!near.contains(code)) {
                return code;
            }
        }
    }

    /** A well-formed recovery code nobody was given (2^-120 chance of a collision). */
    public static String wrongRecoveryCode() {
        return "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF";
    }

    /** Five wrong codes on verify (each 400 invalid_code): the fifth starts the lock. */
    public void lockOut(TestUser user, String secret) {
        for (int i = 0; i < 5; i++) {
            assertError(400, "invalid_code", api.verify(user, wrongCode(secret)));
        }
    }

    /**
     * Wrong codes on verify, waiting out every lock they start (moving the clock by Retry-After),
     * until {@code failures} of them were evaluated or a lock without Retry-After answers.
     *
     * @return how many wrong codes were evaluated ({@code 400 invalid_code})
     */
    public int failWaitingOutLocks(TestUser user, String secret, int failures) {
        int evaluated = 0;
        while (evaluated < failures) {
            clock.advance(Duration.ofSeconds(30));
            ApiResult result = api.verify(user, wrongCode(secret));
            if (result.status() == 400) {
                evaluated++;
                continue;
            }
            assertError(429, "too_many_attempts", result);
            clock.advance(Duration.ofSeconds(Long.parseLong(result.header("Retry-After"))));
        }
        return evaluated;
    }

    /** A fresh current code for an enabled user: moves the clock one step on first. */
    public String nextCode(String secret) {
        clock.advance(Duration.ofSeconds(30));
        return api.codeFor(secret);
    }

    public void assertStatus(TestUser user, String status) {
        ApiResult result = assertSuccess(200, api.status(user));
        assertEquals(status, result.text("status"), result::toString);
        if (!status.equals("PENDING")) {
            assertFalse(result.json().field("expiresAt").isPresent(), result::toString);
        }
    }
}
