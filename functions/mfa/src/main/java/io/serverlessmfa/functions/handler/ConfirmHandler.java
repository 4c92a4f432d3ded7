package io.serverlessmfa.functions.handler;

import io.serverlessmfa.core.enrollment.ConfirmSetup;
import io.serverlessmfa.core.enrollment.RecoveryCodeIssuer;
import io.serverlessmfa.core.port.SecretDecryptor;
import io.serverlessmfa.core.recovery.RecoveryCode;
import io.serverlessmfa.core.token.MfaTokenIssuer;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.http.ApiResponse;
import io.serverlessmfa.functions.http.JsonObject;
import io.serverlessmfa.functions.metrics.MfaMetric;
import io.serverlessmfa.functions.config.TokenConfiguration;
import java.util.List;

/**
 * {@code POST /mfa/confirm} {@code {"code":"123456"}}: turns MFA on, shows the recovery codes once,
 * and answers with the MFA token the confirming code earned.
 */
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
     * issued and dropped, an ES256 signature with a throwaway key. Not primed: KMS Decrypt, the
     * write and the signing key (see {@link Priming}).
     */
    private static Route route(Wiring wiring) {
        SecretDecryptor cipher = wiring.cipher();
        RecoveryCodeIssuer recoveryCodes = wiring.recoveryCodes();
        MfaTokenIssuer tokens = wiring.tokenIssuer();
        TokenConfiguration tokenConfiguration = wiring.configuration().tokens();
        int digits = wiring.policy().totp().digits();
        return Route.writing("confirm", "POST /mfa/confirm",
                store -> new ConfirmSetup(wiring.codeCheck(store, cipher), recoveryCodes, tokens),
                (confirm, request) -> {
                    ConfirmSetup.Confirmed confirmed = confirm.confirm(request.origin(), request.userId(),
                            request.totpCode("code", digits), MfaTokens.requestOf(tokenConfiguration, request));
                    return ApiResponse.json(200, MfaTokens.withToken(JsonObject.create()
                            .field("status", "ENABLED")
                            .field("recoveryCodes", formatted(confirmed.recoveryCodes())), confirmed.token())
                            .build()).withMetrics(MfaMetric.VERIFY_SUCCEEDED, MfaMetric.MFA_ENABLED);
                })
                .primedWithBody(Priming.codeBody(digits))
                .primedAlso(() -> Priming.checkTotp(wiring))
                .primedAlso(() -> Priming.signToken(wiring))
                .primedAlso(() -> Priming.hashRecoveryCode(wiring));
    }

    static List<String> formatted(List<RecoveryCode> codes) {
        return codes.stream().map(RecoveryCode::formatted).toList();
    }
}
