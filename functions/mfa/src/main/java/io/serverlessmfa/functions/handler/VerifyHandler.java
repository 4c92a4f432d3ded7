package io.serverlessmfa.functions.handler;

import io.serverlessmfa.core.enrollment.VerifyCode;
import io.serverlessmfa.core.port.SecretDecryptor;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.http.ApiResponse;
import io.serverlessmfa.functions.http.JsonObject;
import io.serverlessmfa.functions.metrics.MfaMetric;

/** {@code POST /mfa/verify} {@code {"code":"123456"}}: the second factor at sign-in. */
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
     * accepted step (see {@link Priming}).
     */
    private static Route route(Wiring wiring) {
        SecretDecryptor cipher = wiring.cipher();
        int digits = wiring.policy().totp().digits();
        return Route.writing("verify", "POST /mfa/verify",
                store -> new VerifyCode(wiring.codeCheck(store, cipher)),
                (verify, request) -> {
                    verify.verify(request.origin(), request.userId(), request.totpCode("code", digits));
                    return ApiResponse.json(200, JsonObject.create().field("verified", true).build())
                            .withMetrics(MfaMetric.VERIFY_SUCCEEDED);
                })
                .primedWithBody(Priming.codeBody(digits))
                .primedAlso(() -> Priming.checkTotp(wiring));
    }
}
