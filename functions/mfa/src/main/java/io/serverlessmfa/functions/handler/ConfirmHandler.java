package io.serverlessmfa.functions.handler;

import io.serverlessmfa.core.enrollment.ConfirmSetup;
import io.serverlessmfa.core.enrollment.RecoveryCodeIssuer;
import io.serverlessmfa.core.port.SecretDecryptor;
import io.serverlessmfa.core.recovery.RecoveryCode;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.http.ApiResponse;
import io.serverlessmfa.functions.http.JsonObject;
import io.serverlessmfa.functions.metrics.MfaMetric;
import java.util.List;

/** {@code POST /mfa/confirm} {@code {"code":"123456"}}: turns MFA on and shows the recovery codes once. */
public final class ConfirmHandler extends MfaFunction {

    public ConfirmHandler() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    public ConfirmHandler(Wiring wiring) {
        super(wiring, route(wiring));
    }

    /**
     * Primed on the priming user, who has no setup to confirm: the body, the read, then 409
     * no_pending_setup; apart, being pure, a TOTP check on a throwaway key and one recovery code
     * issued and dropped. Not primed: KMS Decrypt and the write (see {@link Priming}).
     */
    private static Route route(Wiring wiring) {
        SecretDecryptor cipher = wiring.cipher();
        RecoveryCodeIssuer recoveryCodes = wiring.recoveryCodes();
        int digits = wiring.policy().totp().digits();
        return Route.writing("confirm", "POST /mfa/confirm",
                store -> new ConfirmSetup(wiring.codeCheck(store, cipher), recoveryCodes),
                (confirm, request) -> {
                    List<RecoveryCode> codes = confirm.confirm(request.origin(), request.userId(),
                            request.totpCode("code", digits));
                    return ApiResponse.json(200, JsonObject.create()
                            .field("status", "ENABLED")
                            .field("recoveryCodes", formatted(codes))
                            .build()).withMetrics(MfaMetric.VERIFY_SUCCEEDED, MfaMetric.MFA_ENABLED);
                })
                .primedWithBody(Priming.codeBody(digits))
                .primedAlso(() -> Priming.checkTotp(wiring))
                .primedAlso(() -> Priming.issueRecoveryCode(recoveryCodes));
    }

    static List<String> formatted(List<RecoveryCode> codes) {
        return codes.stream().map(RecoveryCode::formatted).toList();
    }
}
