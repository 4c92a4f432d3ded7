package io.serverlessmfa.core.uri;

import java.util.List;
import java.util.Map;

/**
 * Chooses the account name an authenticator app shows next to the issuer, from the identity token claims of the
 * signed-in user.
 *
 * <p>Thread-safety: this class is stateless and safe to use from any number of threads at once.
 */
public final class AccountNames {

    /**
     * Claims in order of preference: what the user recognises first (e-mail address, chosen user name), then
     * Cognito's internal user name, then the opaque but always present subject.
     */
    private static final List<String> CLAIM_PREFERENCE = List.of("email", "username", "cognito:username", "sub");

    private AccountNames() {
    }

    /**
     * Returns the first of the claims {@code email}, {@code username}, {@code cognito:username} and {@code sub}
     * that is present and not blank, stripped of leading and trailing white space, with every {@code ':'} replaced
     * by {@code '_'}: the Key Uri Format (google-authenticator wiki) forbids a colon in the account name because it
     * separates issuer and account in the label.
     *
     * @param claims the token claims; values may be null
     * @return the account name; never blank and free of {@code ':'}
     * @throws IllegalArgumentException if {@code claims} is null or none of those claims holds a non-blank value
     */
    public static String fromClaims(Map<String, String> claims) {
        if (claims == null) {
            throw new IllegalArgumentException("claims must not be null");
        }
        for (String claim : CLAIM_PREFERENCE) {
            String value = claims.get(claim);
            if (value != null && !value.isBlank()) {
                return value.strip().replace(':', '_');
            }
        }
        // The claim values are not quoted: they are personal data and would end up in logs.
        throw new IllegalArgumentException(
                "claims contain no non-blank value for any of " + String.join(", ", CLAIM_PREFERENCE));
    }
}
