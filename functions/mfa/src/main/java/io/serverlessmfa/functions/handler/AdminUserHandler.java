package io.serverlessmfa.functions.handler;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.serverlessmfa.core.enrollment.Enrollment;
import io.serverlessmfa.core.enrollment.EnrollmentStatus;
import io.serverlessmfa.core.enrollment.EnrollmentStore;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.http.ApiRequest;
import io.serverlessmfa.functions.http.ApiResponse;
import io.serverlessmfa.functions.http.JsonObject;
import io.serverlessmfa.functions.store.DynamoDbAuditTrail;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code GET /admin/mfa/users/{userId}} (operators only): what the helpdesk needs to help a user,
 * and nothing secret: the status, its times, how many recovery codes remain, whether a lock runs,
 * and the recent security events with who acted. Never the ciphertext, the hashes or the step.
 */
public final class AdminUserHandler extends MfaFunction {

    static final int EVENTS = 20;

    private final EnrollmentStore store;
    private final DynamoDbAuditTrail trail;
    private final Clock clock;

    public AdminUserHandler() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    public AdminUserHandler(Wiring wiring) {
        super("admin-user", wiring);
        this.store = wiring.store();
        this.trail = wiring.auditTrail();
        this.clock = wiring.clock();
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        Operators.requireOperator(request);
        String userId = Operators.targetUser(request);
        Instant now = clock.instant();
        Optional<Enrollment> enrollment = store.find(userId);
        EnrollmentStatus status = enrollment.map(e -> e.effectiveStatus(now)).orElse(EnrollmentStatus.NONE);
        JsonObject body = JsonObject.create().field("userId", userId).field("status", status.name());
        enrollment.filter(e -> status != EnrollmentStatus.NONE).ifPresent(e -> {
            if (status == EnrollmentStatus.PENDING) {
                body.field("expiresAt", ApiResponse.timestamp(e.pendingExpiresAt()));
            } else {
                body.field("enabledAt", ApiResponse.timestamp(e.enabledAt()))
                        .field("recoveryCodesRemaining", e.recoveryCodes().size());
            }
            body.field("failedAttempts", e.failedAttempts());
            e.activeLockUntil(now).ifPresent(until -> body.field("lockedUntil", ApiResponse.timestamp(until)));
        });
        body.array("events", trail.recent(userId, EVENTS, Optional.empty()).events(), (event, json) -> {
            EventsHandler.write(event, json);
            event.actor().ifPresent(actor -> json.field("operator", actor));
        });
        return ApiResponse.json(200, body.build());
    }

    @Override
    protected APIGatewayV2HTTPEvent primingEvent() {
        return Priming.operatorEvent("GET /admin/mfa/users/{userId}");
    }

    /** The whole route, which only reads, on the priming user: GetItem and Query, then 200 NONE with no events. */
    @Override
    protected ApiResponse handlePriming(ApiRequest request) {
        return handle(request);
    }
}
