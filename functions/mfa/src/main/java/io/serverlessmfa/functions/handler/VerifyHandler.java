package io.serverlessmfa.functions.handler;

import io.serverlessmfa.core.enrollment.VerifyCode;
import io.serverlessmfa.core.token.MfaToken;
import io.serverlessmfa.core.token.MfaTokenIssuer;
import io.serverlessmfa.core.port.SecretDecryptor;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.http.ApiResponse;
import io.serverlessmfa.functions.http.JsonObject;
import io.serverlessmfa.functions.metrics.MfaMetric;
import io.serverlessmfa.functions.config.TokenConfiguration;

/**
 * {@code POST /mfa/verify} {@code {"code":"123456"}} (and an optional {@code "nonce"}): the second
 * factor at sign-in, answered with the MFA token that proves it to relying parties.
 */
public final class VerifyHandler extends MfaFunction {

    public VerifyHandler() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    public VerifyHandler(Wiring wiring) {
        super(wiring, route(wiring));
    }

    /**
     * Primed on the priming user, who has no MFA: the body, the read, then 409 mfa_not_enabled;
     * apart, a TOTP check on a throwaway key. Not primed: KMS Decrypt and the write that records the
     * accepted step, and the signing key (see {@link Priming}); apart, an ES256 signature with a
     * throwaway key.
     */
    private static Route route(Wiring wiring) {
        SecretDecryptor cipher = wiring.cipher();
        MfaTokenIssuer tokens = wiring.tokenIssuer();
        TokenConfiguration tokenConfiguration = wiring.configuration().tokens();
        int digits = wiring.policy().totp().digits();
        return Route.writing("verify", "POST /mfa/verify",
                store -> new VerifyCode(wiring.codeCheck(store, cipher), tokens),
                (verify, request) -> {
                    MfaToken token = verify.verify(request.origin(), request.userId(), request.totpCode("code", digits),
                            MfaTokens.requestOf(tokenConfiguration, request));
                    return ApiResponse.json(200, MfaTokens.withToken(JsonObject.create().field("verified", true), token).build())
                            .withMetrics(MfaMetric.VERIFY_SUCCEEDED);
                })
                .primedWithBody(Priming.codeBody(digits))
                .primedAlso(() -> Priming.checkTotp(wiring))
                .primedAlso(() -> Priming.signToken(wiring));
    }
}
