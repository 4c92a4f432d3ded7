package io.serverlessmfa.functions.handler;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.serverlessmfa.core.enrollment.RecoveryCodeIssuer;
import io.serverlessmfa.core.enrollment.RegenerateRecoveryCodes;
import io.serverlessmfa.core.enrollment.EnrollmentStore;
import io.serverlessmfa.core.port.SecretDecryptor;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.http.ApiRequest;
import io.serverlessmfa.functions.http.ApiResponse;
import io.serverlessmfa.functions.http.JsonObject;
import io.serverlessmfa.functions.metrics.MfaMetric;

/** {@code POST /mfa/recovery-codes} {@code {"code":"123456"}}: every older recovery code stops working. */
public final class RecoveryCodesHandler extends MfaFunction {

    private final RegenerateRecoveryCodes regenerate;
    /** The same, over a store that drops writes: for SnapStart priming only. */
    private final RegenerateRecoveryCodes primingRegenerate;
    private final RecoveryCodeIssuer recoveryCodes;
    private final int digits;

    public RecoveryCodesHandler() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    public RecoveryCodesHandler(Wiring wiring) {
        super("recovery-codes", wiring);
        SecretDecryptor cipher = wiring.cipher();
        this.recoveryCodes = wiring.recoveryCodes();
        EnrollmentStore store = wiring.store();
        this.regenerate = regenerate(wiring, store, cipher, recoveryCodes);
        this.primingRegenerate = regenerate(wiring, Priming.readOnly(store), cipher, recoveryCodes);
        this.digits = wiring.policy().totp().digits();
    }

    private static RegenerateRecoveryCodes regenerate(Wiring wiring, EnrollmentStore store, SecretDecryptor cipher,
                                                      RecoveryCodeIssuer recoveryCodes) {
        return new RegenerateRecoveryCodes(wiring.codeCheck(store, cipher), recoveryCodes);
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return regenerated(regenerate, request);
    }

    @Override
    protected APIGatewayV2HTTPEvent primingEvent() {
        return Priming.userEvent("POST /mfa/recovery-codes", Priming.codeBody(digits));
    }

    /**
     * The priming user has no MFA: the body, the read, then 409 mfa_not_enabled. Primed apart,
     * being pure: a TOTP check on a throwaway key and one recovery code issued and dropped. Not
     * primed: KMS Decrypt and the write (see {@link Priming}).
     */
    @Override
    protected ApiResponse handlePriming(ApiRequest request) {
        primeTotpCheck();
        Priming.issueRecoveryCode(recoveryCodes);
        return regenerated(primingRegenerate, request);
    }

    private ApiResponse regenerated(RegenerateRecoveryCodes regenerate, ApiRequest request) {
        return ApiResponse.json(200, JsonObject.create()
                .field("recoveryCodes", ConfirmHandler.formatted(regenerate.regenerate(request.origin(), request.userId(),
                        request.totpCode("code", digits))))
                .build()).withMetrics(MfaMetric.VERIFY_SUCCEEDED, MfaMetric.RECOVERY_CODES_REGENERATED);
    }
}
