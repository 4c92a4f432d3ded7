package io.serverlessmfa.core.totp;

import java.time.Instant;
import javax.crypto.SecretKey;

/**
 * TOTP code generation, RFC 6238 §4: HOTP with the counter {@code T = floor((time - T0) / X)},
 * where T0 is the Unix epoch and X is {@link TotpSettings#period()}.
 *
 * <p>Thread-safety: immutable and thread-safe.
 */
public final class TotpGenerator {

    private final TotpSettings settings;
    private final long periodSeconds;
    private final HotpGenerator hotp;

    /**
     * @param settings algorithm, digits and period
     * @throws IllegalArgumentException if settings is null
     */
    public TotpGenerator(TotpSettings settings) {
        if (settings == null) {
            throw new IllegalArgumentException("TOTP settings are required");
        }
        this.settings = settings;
        this.periodSeconds = settings.period().getSeconds();
        this.hotp = new HotpGenerator(settings.digits(), settings.algorithm());
    }

    /**
     * @return the settings this generator uses
     */
    public TotpSettings settings() {
        return settings;
    }

    /**
     * The time step containing {@code time}, RFC 6238 §4.2 with T0 = 0.
     *
     * <p>Floor division (not truncation) keeps the step monotonic even for instants before the
     * epoch; such steps are negative and never produce codes.
     *
     * @param time the instant; sub-second precision is ignored
     * @return floor(epochSecond / period)
     * @throws IllegalArgumentException if time is null
     */
    public long timeStep(Instant time) {
        if (time == null) {
            throw new IllegalArgumentException("time is required");
        }
        return Math.floorDiv(time.getEpochSecond(), periodSeconds);
    }

    /**
     * The code valid at {@code time}.
     *
     * @param key  the shared secret
     * @param time the instant
     * @return the code for {@link #timeStep(Instant)}
     * @throws IllegalArgumentException if an argument is null or time is before the epoch
     */
    public TotpCode generate(SecretKey key, Instant time) {
        return generateAtStep(key, timeStep(time));
    }

    /**
     * The code for one time step.
     *
     * @param key  the shared secret
     * @param step the time step T, not negative
     * @return the code
     * @throws IllegalArgumentException if the key is null or the step is negative
     */
    public TotpCode generateAtStep(SecretKey key, long step) {
        if (step < 0) {
            throw new IllegalArgumentException("time step must not be negative (time before the Unix epoch)");
        }
        return hotp.generate(key, step);
    }
}
