package io.serverlessmfa.functions.handler;

import io.serverlessmfa.core.enrollment.VerifyCode;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.http.ApiRequest;
import io.serverlessmfa.functions.http.ApiResponse;
import io.serverlessmfa.functions.http.JsonObject;
import io.serverlessmfa.functions.metrics.MfaMetric;

/** {@code POST /mfa/verify} {@code {"code":"123456"}}: the second factor at sign-in. */
public final class VerifyHandler extends MfaFunction {

    private final VerifyCode verify;
    private final int digits;

    public VerifyHandler() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    public VerifyHandler(Wiring wiring) {
        super("verify", wiring);
        this.verify = new VerifyCode(wiring.store(), wiring.cipher(), wiring.verifier(), wiring.policy(), wiring.clock());
        this.digits = wiring.policy().totp().digits();
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        verify.verify(request.origin(), request.userId(), request.totpCode("code", digits));
        return ApiResponse.json(200, JsonObject.create().field("verified", true).build())
                .withMetrics(MfaMetric.VERIFY_SUCCEEDED);
    }
}
