package io.serverlessmfa.functions.handler;

import io.serverlessmfa.core.enrollment.GetStatus;
import io.serverlessmfa.core.enrollment.MfaStatus;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.http.ApiResponse;
import io.serverlessmfa.functions.http.JsonObject;

/** {@code GET /mfa}. DynamoDB only: this function has no KMS client and no KMS permission. */
public final class StatusHandler extends MfaFunction {

    public StatusHandler() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    public StatusHandler(Wiring wiring) {
        super(wiring, route(wiring));
    }

    /** Primed: the whole route, which only reads: GetItem, then 200 NONE. */
    private static Route route(Wiring wiring) {
        GetStatus status = new GetStatus(wiring.store(), wiring.clock());
        return Route.reading("status", "GET /mfa", request -> {
            MfaStatus current = status.status(request.userId());
            JsonObject body = JsonObject.create().field("status", current.status().name());
            switch (current.status()) {
                case PENDING -> body.field("expiresAt", ApiResponse.timestamp(current.expiresAt()));
                case ENABLED -> body.field("enabledAt", ApiResponse.timestamp(current.enabledAt()))
                        .field("recoveryCodesRemaining", current.recoveryCodesRemaining());
                case NONE -> { }
            }
            return ApiResponse.json(200, body.build());
        });
    }
}
