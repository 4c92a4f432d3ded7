package io.serverlessmfa.functions.handler;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.serverlessmfa.core.enrollment.ConfirmSetup;
import io.serverlessmfa.core.enrollment.RecoveryCodeIssuer;
import io.serverlessmfa.core.enrollment.EnrollmentStore;
import io.serverlessmfa.core.port.SecretDecryptor;
import io.serverlessmfa.core.recovery.RecoveryCode;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.http.ApiRequest;
import io.serverlessmfa.functions.http.ApiResponse;
import io.serverlessmfa.functions.http.JsonObject;
import io.serverlessmfa.functions.metrics.MfaMetric;
import java.util.List;

/** {@code POST /mfa/confirm} {@code {"code":"123456"}}. */
public final class ConfirmHandler extends MfaFunction {

    private final ConfirmSetup confirm;
    /** The same, over a store that drops writes: for SnapStart priming only. */
    private final ConfirmSetup primingConfirm;
    private final RecoveryCodeIssuer recoveryCodes;
    private final int digits;

    public ConfirmHandler() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    public ConfirmHandler(Wiring wiring) {
        super("confirm", wiring);
        SecretDecryptor cipher = wiring.cipher();
        this.recoveryCodes = wiring.recoveryCodes();
        EnrollmentStore store = wiring.store();
        this.confirm = confirmSetup(wiring, store, cipher, recoveryCodes);
        this.primingConfirm = confirmSetup(wiring, Priming.readOnly(store), cipher, recoveryCodes);
        this.digits = wiring.policy().totp().digits();
    }

    private static ConfirmSetup confirmSetup(Wiring wiring, EnrollmentStore store, SecretDecryptor cipher,
                                             RecoveryCodeIssuer recoveryCodes) {
        return new ConfirmSetup(wiring.codeCheck(store, cipher), recoveryCodes);
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return confirmed(confirm, request);
    }

    @Override
    protected APIGatewayV2HTTPEvent primingEvent() {
        return Priming.userEvent("POST /mfa/confirm", Priming.codeBody(digits));
    }

    /**
     * The priming user has no setup to confirm: the body, the read, then 409 no_pending_setup.
     * Primed apart, being pure: a TOTP check on a throwaway key and one recovery code issued and
     * dropped. Not primed: KMS Decrypt and the write (see {@link Priming}).
     */
    @Override
    protected ApiResponse handlePriming(ApiRequest request) {
        primeTotpCheck();
        Priming.issueRecoveryCode(recoveryCodes);
        return confirmed(primingConfirm, request);
    }

    private ApiResponse confirmed(ConfirmSetup confirm, ApiRequest request) {
        List<RecoveryCode> codes = confirm.confirm(request.origin(), request.userId(), request.totpCode("code", digits));
        return ApiResponse.json(200, JsonObject.create()
                .field("status", "ENABLED")
                .field("recoveryCodes", formatted(codes))
                .build()).withMetrics(MfaMetric.VERIFY_SUCCEEDED, MfaMetric.MFA_ENABLED);
    }

    static List<String> formatted(List<RecoveryCode> codes) {
        return codes.stream().map(RecoveryCode::formatted).toList();
    }
}
