package io.serverlessmfa.functions.testing;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A signed-in user as the JWT authorizer passes it: its claims. A fresh user per test isolates tests.
 * Its token carries no sign-in time unless a test gives it one ({@link #signedInAt}): {@link MfaApi}
 * then hands the handlers an {@code iat} of the call's own time, a user who has just signed in.
 */
public record TestUser(String sub, Map<String, String> claims) {

    public TestUser {
        claims = Map.copyOf(claims);
    }

    public static TestUser random() {
        String sub = UUID.randomUUID().toString();
        Map<String, String> claims = new HashMap<>();
        claims.put("sub", sub);
        claims.put("email", "user-" + sub.substring(0, 8) + "@example.com");
        claims.put("iss", "https://issuer.example.com");
        claims.put("aud", "mfa-portal");
        return new TestUser(sub, claims);
    }

    /** An operator: a user in the {@code mfa-admin} group, as API Gateway passes Cognito's array claim. */
    public static TestUser operator() {
        TestUser user = random();
        Map<String, String> claims = new HashMap<>(user.claims());
        claims.put("cognito:groups", "[staff mfa-admin]");
        return new TestUser(user.sub(), claims);
    }

    public String email() {
        return claims.get("email");
    }

    /**
     * The same user with the token of a sign-in at {@code at}: {@code auth_time} and {@code iat}
     * (OIDC Core 1.0 §2: a JSON number of seconds since the epoch), as the JWT authorizer hands
     * them to a function: as text.
     */
    public TestUser signedInAt(Instant at) {
        String seconds = Long.toString(at.getEpochSecond());
        return withClaim("auth_time", seconds).withClaim("iat", seconds);
    }

    /** The same user with the claim {@code name} set to {@code value} ({@code null}: without it). */
    public TestUser withClaim(String name, String value) {
        Map<String, String> changed = new HashMap<>(claims);
        if (value == null) {
            changed.remove(name);
        } else {
            changed.put(name, value);
        }
        return new TestUser(sub, changed);
    }
}
