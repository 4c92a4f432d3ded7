package io.serverlessmfa.functions.handler;

import io.serverlessmfa.core.enrollment.RecoverAccess;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.http.ApiRequest;
import io.serverlessmfa.functions.http.ApiResponse;
import io.serverlessmfa.functions.http.JsonObject;
import io.serverlessmfa.functions.metrics.MfaMetric;
import java.util.List;

/**
 * {@code POST /mfa/recover} {@code {"recoveryCode":"..."}}: the used code is replaced by a new
 * one. DynamoDB only: recovery codes are hashes, so this function needs no KMS at all.
 */
public final class RecoverHandler extends MfaFunction {

    private final RecoverAccess recover;

    public RecoverHandler() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    public RecoverHandler(Wiring wiring) {
        super("recover", wiring);
        this.recover = new RecoverAccess(wiring.store(), wiring.recoveryCodes(), wiring.policy(), wiring.clock());
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        String replacement = recover.recover(request.origin(), request.userId(), request.recoveryCode("recoveryCode")).formatted();
        return ApiResponse.json(200, JsonObject.create()
                .field("status", "ENABLED")
                .field("recoveryCodes", List.of(replacement))
                .build()).withMetrics(MfaMetric.VERIFY_SUCCEEDED, MfaMetric.RECOVERY_CODE_USED);
    }
}
