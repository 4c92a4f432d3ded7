package io.serverlessmfa.core.token;

import java.time.Duration;
import java.util.Objects;

/**
 * The tokens' audience and lifetime (contract: "MFA tokens" and "Defaults"). The audience is, by
 * default, the JWT authorizer's; the lifetime is short, because a relying party checks
 * {@code auth_time} against its own maximum age anyway.
 */
public record MfaTokenSettings(String audience, Duration lifetime) {

    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);
    public static final Duration MIN_LIFETIME = Duration.ofSeconds(60);
    public static final Duration MAX_LIFETIME = Duration.ofHours(12);

    public MfaTokenSettings {
        Objects.requireNonNull(audience, "audience");
        if (audience.isEmpty()) {
            throw new IllegalArgumentException("the audience is not empty");
        }
        if (lifetime.compareTo(MIN_LIFETIME) < 0 || lifetime.compareTo(MAX_LIFETIME) > 0 || lifetime.toNanos() % 1_000_000_000L != 0) {
            throw new IllegalArgumentException("a token lives whole seconds from 60 s to 12 h");
        }
    }
}
