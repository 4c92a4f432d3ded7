package io.serverlessmfa.functions.handler;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.serverlessmfa.core.enrollment.VerifyCode;
import io.serverlessmfa.core.enrollment.EnrollmentStore;
import io.serverlessmfa.core.port.SecretDecryptor;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.http.ApiRequest;
import io.serverlessmfa.functions.http.ApiResponse;
import io.serverlessmfa.functions.http.JsonObject;
import io.serverlessmfa.functions.metrics.MfaMetric;

/** {@code POST /mfa/verify} {@code {"code":"123456"}}: the second factor at sign-in. */
public final class VerifyHandler extends MfaFunction {

    private final VerifyCode verify;
    /** The same, over a store that drops writes: for SnapStart priming only. */
    private final VerifyCode primingVerify;
    private final int digits;

    public VerifyHandler() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    public VerifyHandler(Wiring wiring) {
        super("verify", wiring);
        SecretDecryptor cipher = wiring.cipher();
        EnrollmentStore store = wiring.store();
        this.verify = verifyCode(wiring, store, cipher);
        this.primingVerify = verifyCode(wiring, Priming.readOnly(store), cipher);
        this.digits = wiring.policy().totp().digits();
    }

    private static VerifyCode verifyCode(Wiring wiring, EnrollmentStore store, SecretDecryptor cipher) {
        return new VerifyCode(wiring.codeCheck(store, cipher));
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return verified(verify, request);
    }

    @Override
    protected APIGatewayV2HTTPEvent primingEvent() {
        return Priming.userEvent("POST /mfa/verify", Priming.codeBody(digits));
    }

    /**
     * The priming user has no MFA: the body, the read, then 409 mfa_not_enabled. Primed apart,
     * being pure: a TOTP check on a throwaway key. Not primed: KMS Decrypt and the write that
     * records the accepted step (see {@link Priming}).
     */
    @Override
    protected ApiResponse handlePriming(ApiRequest request) {
        primeTotpCheck();
        return verified(primingVerify, request);
    }

    private ApiResponse verified(VerifyCode verify, ApiRequest request) {
        verify.verify(request.origin(), request.userId(), request.totpCode("code", digits));
        return ApiResponse.json(200, JsonObject.create().field("verified", true).build())
                .withMetrics(MfaMetric.VERIFY_SUCCEEDED);
    }
}
