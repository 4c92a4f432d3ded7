package io.serverlessmfa.core.token;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A relying party's value that binds a token to its own login transaction (as OIDC Core §3.1.2.1
 * binds an ID token): it sends a fresh nonce with the code and accepts only a token that carries it
 * back, so a token captured for another login is worth nothing. The contract allows 1..128
 * characters of the URL-safe set {@code [A-Za-z0-9._~-]} (RFC 3986 §2.3, unreserved).
 */
public record Nonce(String value) {

    public static final int MAX_LENGTH = 128;
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._~-]{1," + MAX_LENGTH + "}");

    public Nonce {
        if (value == null || !ALLOWED.matcher(value).matches()) {
            throw new IllegalArgumentException("a nonce is 1 to " + MAX_LENGTH + " characters of A-Z a-z 0-9 . _ ~ -");
        }
    }

    /** The nonce, or empty when {@code text} is not one. */
    public static Optional<Nonce> parse(String text) {
        return text != null && ALLOWED.matcher(text).matches() ? Optional.of(new Nonce(text)) : Optional.empty();
    }
}
