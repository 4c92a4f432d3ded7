package io.serverlessmfa.functions.testing;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** A signed-in user as the JWT authorizer passes it: its claims. A fresh user per test isolates tests. */
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
}
