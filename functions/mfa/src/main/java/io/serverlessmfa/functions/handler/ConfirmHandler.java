package io.serverlessmfa.functions.handler;

import io.serverlessmfa.core.enrollment.ConfirmSetup;
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
    private final int digits;

    public ConfirmHandler() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    public ConfirmHandler(Wiring wiring) {
        super("confirm", wiring);
        this.confirm = new ConfirmSetup(wiring.store(), wiring.cipher(), wiring.verifier(), wiring.recoveryCodes(),
                wiring.policy(), wiring.clock());
        this.digits = wiring.policy().totp().digits();
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
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
