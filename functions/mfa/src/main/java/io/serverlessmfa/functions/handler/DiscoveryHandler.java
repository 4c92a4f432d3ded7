package io.serverlessmfa.functions.handler;

import io.serverlessmfa.functions.config.TokenConfiguration;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.http.ApiResponse;
import io.serverlessmfa.functions.http.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /.well-known/openid-configuration}, public: where relying parties find the MFA tokens'
 * keys (OpenID Connect Discovery 1.0 §3, §4). It names what a JWT verifier needs — the issuer,
 * which must equal the URL this document is served under (§4.3), the {@code jwks_uri} and the one
 * algorithm — and nothing this service does not do. No AWS call.
 */
public final class DiscoveryHandler extends MfaFunction {

    /** The discovery document changes only with a deployment; relying parties may cache it an hour. */
    static final String CACHE_CONTROL = "public, max-age=3600";

    public DiscoveryHandler() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    public DiscoveryHandler(Wiring wiring) {
        super(wiring, route(wiring));
    }

    private static Route route(Wiring wiring) {
        TokenConfiguration tokens = wiring.configuration().tokens();
        return Route.open("discovery", "GET /.well-known/openid-configuration", request -> {
            String issuer = MfaTokens.issuer(tokens, request);
            return ApiResponse.json(200, JsonObject.create()
                            .field("issuer", issuer)
                            .field("jwks_uri", issuer + JwksHandler.PATH)
                            // Required by Discovery §3 for an OpenID provider; the tokens are ID-token-like
                            // proofs, never issued through an authorization endpoint, so none is listed.
                            .field("response_types_supported", List.of("id_token"))
                            .field("subject_types_supported", List.of("public"))
                            .field("id_token_signing_alg_values_supported", List.of("ES256"))
                            .field("claims_supported", List.of("iss", "sub", "aud", "iat", "exp", "auth_time", "jti", "amr", "nonce"))
                            .build())
                    .withHeaders(Map.of("Cache-Control", CACHE_CONTROL));
        });
    }
}
