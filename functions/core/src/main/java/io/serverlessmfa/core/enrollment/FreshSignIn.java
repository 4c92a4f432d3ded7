package io.serverlessmfa.core.enrollment;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The fresh sign-in that the changes that matter need (issue 14): starting a setup, regenerating the
 * recovery codes and removing MFA (cancelling a pending setup too). A stolen first-factor token
 * must not be enough to enrol the thief's authenticator on an account without MFA, or to take MFA
 * off with a code phished minutes ago; so those routes accept the user's sign-in token only while
 * the sign-in itself is recent. The routes that change nothing (status, events) or are the sign-in
 * itself (confirm, verify, recover) take a token of any age. Thread-safe.
 *
 * <p>When the user signed in is the token's {@code auth_time} ("Time when the End-User
 * authentication occurred", OpenID Connect Core 1.0 §2), else its {@code iat} (when the token was
 * issued, RFC 7519 §4.1.6). {@code auth_time} decides when it is there, even if {@code iat} is
 * newer: a token refreshed without a new sign-in has a new {@code iat}, while its
 * {@code auth_time} "MUST represent the time of the original authentication" (OpenID Connect Core
 * 1.0 §12.2). For the same reason an {@code auth_time} that cannot be read is refused, not replaced
 * by {@code iat}. Without {@code auth_time} the rule is only as strong as the provider's refresh
 * policy.
 *
 * <p>Both are NumericDates: "A JSON numeric value representing the number of seconds from
 * 1970-01-01T00:00:00Z UTC" (RFC 7519 §2), which may have a fraction. API Gateway's JWT authorizer
 * hands every claim to the function as text, so the claim here is the text of a JSON number (RFC
 * 8259 §6) that is not negative, fraction and exponent allowed; anything else (a date in words, an
 * array, an empty string) cannot be read.
 *
 * <p>A token is refused, with {@link MfaRejection.Reason#REAUTHENTICATION_REQUIRED}, when its
 * sign-in is older than the configured maximum age (at exactly the maximum age it is still fresh),
 * when the sign-in lies more than {@link #CLOCK_SKEW} ahead of this function's clock (no real
 * sign-in happens in the future: a clock that far off, or a forged or mis-minted token), and when it
 * has neither claim or an unreadable one. Refusing is the safe side in each case: the user signs in
 * again and nothing is lost, while accepting would let the token do what a fresh sign-in is needed
 * for.
 */
public final class FreshSignIn {

    /** The maximum age when the configuration says nothing. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(60);
    /** The shortest maximum age that can be configured: shorter would refuse sign-ins still in flight. */
    public static final Duration MIN_MAX_AGE = Duration.ofMinutes(1);
    /** The longest maximum age that can be configured: a day. */
    public static final Duration MAX_MAX_AGE = Duration.ofHours(24);
    /**
     * How far the identity provider's clock may run ahead of this function's: a sign-in dated up to
     * this far in the future still counts. RFC 7519 §4.1.4 allows "some small leeway, usually no
     * more than a few minutes, to account for clock skew" when checking a token's times.
     */
    public static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    static final String AUTH_TIME = "auth_time";
    static final String ISSUED_AT = "iat";

    /**
     * A JSON number (RFC 8259 §6) without a minus sign. The length and the exponent's two digits keep
     * reading it cheap: a scale of 10^999999999 would take BigDecimal ages to round.
     */
    private static final Pattern NUMERIC_DATE = Pattern.compile("(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]{1,2})?");
    private static final int MAX_TEXT_LENGTH = 40;
    /** The latest second {@link Instant} can hold: a larger NumericDate is unreadable, not a crash. */
    private static final BigDecimal LATEST_SECOND = BigDecimal.valueOf(Instant.MAX.getEpochSecond());

    private final Duration maxAge;
    private final Clock clock;

    /** @throws IllegalArgumentException if {@code maxAge} is not from {@link #MIN_MAX_AGE} to {@link #MAX_MAX_AGE} */
    public FreshSignIn(Duration maxAge, Clock clock) {
        if (maxAge == null || maxAge.compareTo(MIN_MAX_AGE) < 0 || maxAge.compareTo(MAX_MAX_AGE) > 0) {
            throw new IllegalArgumentException("maxAge must be from " + MIN_MAX_AGE + " to " + MAX_MAX_AGE + ": " + maxAge);
        }
        this.maxAge = maxAge;
        this.clock = clock;
    }

    public Duration maxAge() {
        return maxAge;
    }

    /**
     * Returns normally when the token of {@code claims} comes from a sign-in at most the maximum age
     * ago (and at most {@link #CLOCK_SKEW} ahead). Reads only the claims and the clock: call it
     * before anything is read or written, so a refusal changes nothing and counts no failure.
     *
     * @param claims the first-factor token's claims as the JWT authorizer hands them over (text)
     * @throws MfaRejection REAUTHENTICATION_REQUIRED otherwise
     */
    public void require(Map<String, String> claims) {
        Instant signedIn = signedInAt(claims)
                .orElseThrow(() -> new MfaRejection(MfaRejection.Reason.REAUTHENTICATION_REQUIRED));
        Instant now = clock.instant();
        if (signedIn.isBefore(now.minus(maxAge)) || signedIn.isAfter(now.plus(CLOCK_SKEW))) {
            throw new MfaRejection(MfaRejection.Reason.REAUTHENTICATION_REQUIRED);
        }
    }

    /**
     * When the user signed in: {@code auth_time} if the token has it, else {@code iat}; empty when
     * the deciding claim is missing or cannot be read.
     */
    static Optional<Instant> signedInAt(Map<String, String> claims) {
        String authTime = claims.get(AUTH_TIME);
        return numericDate(authTime != null ? authTime : claims.get(ISSUED_AT));
    }

    /** A NumericDate's text as an instant, whole seconds (a fraction only makes a sign-in older). */
    static Optional<Instant> numericDate(String text) {
        if (text == null || text.length() > MAX_TEXT_LENGTH || !NUMERIC_DATE.matcher(text).matches()) {
            return Optional.empty();
        }
        BigDecimal seconds = new BigDecimal(text).setScale(0, RoundingMode.FLOOR);
        if (seconds.compareTo(LATEST_SECOND) > 0) {
            return Optional.empty();
        }
        return Optional.of(Instant.ofEpochSecond(seconds.longValueExact()));
    }
}
