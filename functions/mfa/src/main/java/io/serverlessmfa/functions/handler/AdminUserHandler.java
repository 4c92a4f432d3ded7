package io.serverlessmfa.functions.handler;

import io.serverlessmfa.core.audit.AuditTrail;
import io.serverlessmfa.core.enrollment.Enrollment;
import io.serverlessmfa.core.enrollment.EnrollmentStatus;
import io.serverlessmfa.core.enrollment.EnrollmentStore;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.http.ApiResponse;
import io.serverlessmfa.functions.http.JsonObject;
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

    public AdminUserHandler() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    public AdminUserHandler(Wiring wiring) {
        super(wiring, route(wiring));
    }

    /** Primed: the whole route, which only reads, on the priming user: GetItem and Query, then 200 NONE with no events. */
    private static Route route(Wiring wiring) {
        EnrollmentStore store = wiring.store();
        AuditTrail trail = wiring.auditTrail();
        Clock clock = wiring.clock();
        return Route.reading("admin-user", "GET /admin/mfa/users/{userId}", request -> {
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
        });
    }
}
