package io.serverlessmfa.functions.handler;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.serverlessmfa.core.enrollment.GetStatus;
import io.serverlessmfa.core.enrollment.MfaStatus;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.http.ApiRequest;
import io.serverlessmfa.functions.http.ApiResponse;
import io.serverlessmfa.functions.http.JsonObject;

/** {@code GET /mfa}. DynamoDB only: this function has no KMS client and no KMS permission. */
public final class StatusHandler extends MfaFunction {

    private final GetStatus status;

    public StatusHandler() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    public StatusHandler(Wiring wiring) {
        super("status", wiring);
        this.status = new GetStatus(wiring.store(), wiring.clock());
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        MfaStatus current = status.status(request.userId());
        JsonObject body = JsonObject.create().field("status", current.status().name());
        switch (current.status()) {
            case PENDING -> body.field("expiresAt", ApiResponse.timestamp(current.expiresAt()));
            case ENABLED -> body.field("enabledAt", ApiResponse.timestamp(current.enabledAt()))
                    .field("recoveryCodesRemaining", current.recoveryCodesRemaining());
            case NONE -> { }
        }
        return ApiResponse.json(200, body.build());
    }

    @Override
    protected APIGatewayV2HTTPEvent primingEvent() {
        return Priming.userEvent("GET /mfa", null);
    }

    /** The whole route, which only reads: GetItem, then 200 NONE. */
    @Override
    protected ApiResponse handlePriming(ApiRequest request) {
        return handle(request);
    }
}
