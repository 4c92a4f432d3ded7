package io.serverlessmfa.functions.handler;

import io.serverlessmfa.core.audit.AuditTrail;
import io.serverlessmfa.core.enrollment.HelpdeskLookup;
import io.serverlessmfa.core.enrollment.HelpdeskView;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.http.ApiResponse;
import io.serverlessmfa.functions.http.JsonObject;
import java.util.Optional;

/**
 * {@code GET /admin/mfa/users/{userId}} (operators only): what the helpdesk needs to help a user,
 * and nothing secret: the status, its times, how many recovery codes remain, whether a lock runs,
 * and the recent security events with who acted. Never the ciphertext, the hashes or the step.
 */
public final class AdminUserHandler extends MfaFunction {

    static final int EVENTS = 20;

    public AdminUserHandler() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    public AdminUserHandler(Wiring wiring) {
        super(wiring, route(wiring));
    }

    /** Primed: the whole route, which only reads, on the priming user: GetItem and Query, then 200 NONE with no events. */
    private static Route route(Wiring wiring) {
        Operators operators = new Operators(wiring);
        HelpdeskLookup lookup = new HelpdeskLookup(wiring.store(), wiring.clock());
        AuditTrail trail = wiring.auditTrail();
        return Route.reading("admin-user", "GET /admin/mfa/users/{userId}", request -> {
            operators.requireOperator(request);
            String userId = Operators.targetUser(request);
            HelpdeskView view = lookup.lookup(userId);
            JsonObject body = JsonObject.create().field("userId", userId).field("status", view.status().name());
            if (view instanceof HelpdeskView.PendingSetup pending) {
                body.field("expiresAt", ApiResponse.timestamp(pending.expiresAt()));
                throttling(body, pending.throttling());
            } else if (view instanceof HelpdeskView.MfaEnabled enabled) {
                body.field("enabledAt", ApiResponse.timestamp(enabled.enabledAt()))
                        .field("recoveryCodesRemaining", enabled.recoveryCodesRemaining());
                throttling(body, enabled.throttling());
            }
            // The helpdesk's view: everything, the operator and the user of a helpdesk event included.
            body.array("events", trail.recent(userId, EVENTS, Optional.empty()).events(), (event, json) -> {
                json.field("type", event.type().name()).field("at", ApiResponse.timestamp(event.at()));
                EventsHandler.origin(event, json);
                event.helpdesk().ifPresent(action -> {
                    json.field("operator", action.operatorId()).field("userId", action.userId());
                    action.reason().ifPresent(reason -> json.field("reason", reason.text()));
                });
            });
            return ApiResponse.json(200, body.build());
        });
    }

    private static void throttling(JsonObject body, HelpdeskView.Throttling throttling) {
        body.field("failedAttempts", throttling.failedAttempts());
        throttling.lockedUntil().ifPresent(until -> body.field("lockedUntil", ApiResponse.timestamp(until)));
        body.field("lockedUntilReset", throttling.lockedUntilReset());
    }
}
