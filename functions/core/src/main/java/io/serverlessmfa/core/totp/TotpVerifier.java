package io.serverlessmfa.core.totp;

import java.time.Instant;
import java.util.OptionalLong;
import javax.crypto.SecretKey;

/**
 * Checks a submitted code against the steps around the current time, with replay protection.
 *
 * <p>RFC 6238 §5.2 allows a small window of steps for clock drift and network delay (and
 * recommends at most one step back); §5.2 also requires that a code is accepted only once, which
 * is enforced here by rejecting any step at or before the last accepted one. Persisting the
 * returned step atomically (conditional write) is the caller's job.
 *
 * <p>Thread-safety: immutable and thread-safe.
 */
public final class TotpVerifier {

    /** Largest window accepted: ±10 steps (±5 min at 30 s) is already far beyond clock drift. */
    public static final int MAX_WINDOW = 10;

    private final TotpGenerator generator;
    private final int window;

    /**
     * @param generator the generator holding the settings
     * @param window    steps accepted on each side of the current step, 0 to 10
     * @throws IllegalArgumentException if generator is null or the window is outside 0..10
     */
    public TotpVerifier(TotpGenerator generator, int window) {
        if (generator == null) {
            throw new IllegalArgumentException("TOTP generator is required");
        }
        if (window < 0 || window > MAX_WINDOW) {
            throw new IllegalArgumentException("window must be between 0 and " + MAX_WINDOW + ", was " + window);
        }
        this.generator = generator;
        this.window = window;
    }

    /**
     * Verifies a code.
     *
     * <p>Every step in {@code [s - window, s + window]} is computed and compared, with no early
     * exit, so the response time does not reveal which step (if any) matched. If two steps
     * happen to share the code, the greatest is returned: recording the later step rejects more
     * future replays.
     *
     * @param key              the shared secret
     * @param code             the submitted code
     * @param now              the current time
     * @param lastAcceptedStep the step of the last accepted code, {@link Long#MIN_VALUE} if none
     * @return the matched step, strictly greater than {@code lastAcceptedStep}; empty if the code
     *         does not match any usable step
     * @throws IllegalArgumentException if key, code or now is null
     */
    public OptionalLong verify(SecretKey key, TotpCode code, Instant now, long lastAcceptedStep) {
        if (key == null || code == null || now == null) {
            throw new IllegalArgumentException("key, code and time are required");
        }
        long current = generator.timeStep(now);
        long matchedStep = Long.MIN_VALUE;
        boolean matched = false;
        for (long step = current - window; step <= current + window; step++) {
            // Steps before the epoch have no code (RFC 6238 §4.2 uses T0 = 0).
            if (step < 0) {
                continue;
            }
            boolean equal = generator.generateAtStep(key, step).matches(code);
            // A replayed step is compared like any other; it just cannot be the result.
            if (equal && step > lastAcceptedStep) {
                matchedStep = step;
                matched = true;
            }
        }
        return matched ? OptionalLong.of(matchedStep) : OptionalLong.empty();
    }
}
