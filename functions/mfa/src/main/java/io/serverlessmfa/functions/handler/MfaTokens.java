package io.serverlessmfa.functions.handler;

import io.serverlessmfa.core.token.MfaToken;
import io.serverlessmfa.core.token.MfaTokenRequest;
import io.serverlessmfa.functions.http.ApiRequest;
import io.serverlessmfa.functions.http.ApiResponse;
import io.serverlessmfa.functions.http.JsonObject;
import io.serverlessmfa.functions.config.TokenConfiguration;

/** The MFA token's part of a request (issuer and nonce) and of an answer ({@code mfaToken}, {@code mfaTokenExpiresAt}). */
final class MfaTokens {

    private MfaTokens() {
    }

    /**
     * Read before the use case runs, so a bad nonce is a 400 that changes nothing.
     *
     * @throws IllegalStateException when no issuer is configured and the event names no domain
     *                               (API Gateway always does; a hand-made event may not)
     */
    static MfaTokenRequest requestOf(TokenConfiguration tokens, ApiRequest request) {
        String issuer = issuer(tokens, request);
        return new MfaTokenRequest(issuer, request.optionalNonce("nonce"));
    }

    static String issuer(TokenConfiguration tokens, ApiRequest request) {
        return tokens.issuerFor(request.domainName()).orElseThrow(() -> new IllegalStateException(
                "no MFA_TOKEN_ISSUER and no requestContext.domainName to derive the issuer from"));
    }

    /** Adds the token to an answer; the answer carries a credential, so it is never cached ({@code no-store}, always set). */
    static JsonObject withToken(JsonObject answer, MfaToken token) {
        return answer.field("mfaToken", token.compact()).field("mfaTokenExpiresAt", ApiResponse.timestamp(token.expiresAt()));
    }
}
