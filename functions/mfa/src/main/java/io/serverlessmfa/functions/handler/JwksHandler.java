package io.serverlessmfa.functions.handler;

import io.serverlessmfa.core.token.PublishedKeys;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.http.ApiResponse;
import io.serverlessmfa.functions.http.JsonObject;
import java.time.Clock;
import java.util.Map;

/**
 * {@code GET /.well-known/jwks.json}, public: the MFA tokens' public keys (RFC 7517 §5), the next
 * key before it signs and retired ones until every token they signed has expired. Public keys
 * only: a {@link PublishedKeys.PublicKey} has no private member to write. One GetItem every few minutes per container; no KMS.
 */
public final class JwksHandler extends MfaFunction {

    static final String PATH = "/.well-known/jwks.json";
    static final String CACHE_CONTROL = "public, max-age=" + PublishedKeys.MAX_AGE.toSeconds();

    public JwksHandler() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    public JwksHandler(Wiring wiring) {
        super(wiring, route(wiring));
    }

    private static Route route(Wiring wiring) {
        PublishedKeys keys = wiring.publishedKeys();
        Clock clock = wiring.clock();
        return Route.open("jwks", "GET " + PATH, request -> ApiResponse.json(200, JsonObject.create()
                        .array("keys", keys.published(clock.instant()), JwksHandler::writeKey)
                        .build())
                .withHeaders(Map.of("Cache-Control", CACHE_CONTROL)));
    }

    /** RFC 7518 §6.2.1: an EC public key; {@code use} and {@code alg} pin it to ES256 signatures. */
    private static void writeKey(PublishedKeys.PublicKey key, JsonObject jwk) {
        jwk.field("kty", "EC").field("crv", "P-256").field("x", key.x()).field("y", key.y())
                .field("kid", key.kid()).field("use", "sig").field("alg", "ES256");
    }
}
