package io.serverlessmfa.functions.handler;

import io.serverlessmfa.core.enrollment.FreshSignIn;
import io.serverlessmfa.core.enrollment.RecoveryCodeIssuer;
import io.serverlessmfa.core.enrollment.RegenerateRecoveryCodes;
import io.serverlessmfa.core.port.SecretDecryptor;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.http.ApiResponse;
import io.serverlessmfa.functions.http.JsonObject;
import io.serverlessmfa.functions.metrics.MfaMetric;

/**
 * {@code POST /mfa/recovery-codes} {@code {"code":"123456"}}: new recovery codes; every older one
 * stops working. Needs a fresh sign-in ({@link FreshSignIn}).
 */
public final class RecoveryCodesHandler extends MfaFunction {

    public RecoveryCodesHandler() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    public RecoveryCodesHandler(Wiring wiring) {
        super(wiring, route(wiring));
    }

    /**
     * Primed on the priming user, who has no MFA: the body, the read, then 409 mfa_not_enabled;
     * apart, being pure, a TOTP check on a throwaway key and one recovery code issued and dropped.
     * Not primed: KMS Decrypt and the write (see {@link Priming}).
     */
    private static Route route(Wiring wiring) {
        SecretDecryptor cipher = wiring.cipher();
        RecoveryCodeIssuer recoveryCodes = wiring.recoveryCodes();
        int digits = wiring.policy().totp().digits();
        FreshSignIn freshSignIn = wiring.freshSignIn();
        return Route.writing("recovery-codes", "POST /mfa/recovery-codes",
                store -> new RegenerateRecoveryCodes(wiring.codeCheck(store, cipher), recoveryCodes),
                (regenerate, request) -> {
                    freshSignIn.require(request.claims());
                    return ApiResponse.json(200, JsonObject.create()
                            .field("recoveryCodes", ConfirmHandler.formatted(regenerate.regenerate(request.origin(),
                                    request.userId(), request.totpCode("code", digits))))
                            .build()).withMetrics(MfaMetric.VERIFY_SUCCEEDED, MfaMetric.RECOVERY_CODES_REGENERATED);
                })
                .primedWithBody(Priming.codeBody(digits))
                .primedAlso(() -> Priming.checkTotp(wiring))
                .primedAlso(() -> Priming.hashRecoveryCode(wiring));
    }
}
