package io.serverlessmfa.functions.handler;

import io.serverlessmfa.core.enrollment.RegenerateRecoveryCodes;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.http.ApiRequest;
import io.serverlessmfa.functions.http.ApiResponse;
import io.serverlessmfa.functions.http.JsonObject;
import io.serverlessmfa.functions.metrics.MfaMetric;

/** {@code POST /mfa/recovery-codes} {@code {"code":"123456"}}: every older recovery code stops working. */
public final class RecoveryCodesHandler extends MfaFunction {

    private final RegenerateRecoveryCodes regenerate;
    private final int digits;

    public RecoveryCodesHandler() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    public RecoveryCodesHandler(Wiring wiring) {
        super("recovery-codes", wiring);
        this.regenerate = new RegenerateRecoveryCodes(wiring.store(), wiring.cipher(), wiring.verifier(),
                wiring.recoveryCodes(), wiring.policy(), wiring.clock());
        this.digits = wiring.policy().totp().digits();
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.json(200, JsonObject.create()
                .field("recoveryCodes", ConfirmHandler.formatted(regenerate.regenerate(request.origin(), request.userId(),
                        request.totpCode("code", digits))))
                .build()).withMetrics(MfaMetric.VERIFY_SUCCEEDED, MfaMetric.RECOVERY_CODES_REGENERATED);
    }
}
