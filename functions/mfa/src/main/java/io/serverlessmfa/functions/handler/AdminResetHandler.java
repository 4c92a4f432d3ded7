package io.serverlessmfa.functions.handler;

import io.serverlessmfa.core.enrollment.EnrollmentStatus;
import io.serverlessmfa.core.enrollment.ResetMfa;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.http.ApiResponse;
import io.serverlessmfa.functions.http.JsonObject;
import io.serverlessmfa.functions.metrics.MfaMetric;

/**
 * {@code POST /admin/mfa/users/{userId}/reset} (operators only): the helpdesk reset for a user who
 * lost both the phone and the recovery code. It really resets (unlike Cognito's
 * AdminSetUserMFAPreference, which can answer 200 and leave MFA on): the secret, the recovery
 * hashes and any lock are gone in one transaction with the two audit events (the user's: the
 * helpdesk acted, and why; the operator's own: whom, when, why), so the old codes stop working and
 * the next sign-in sets MFA up anew. Body {@code {"reason":"..."}} (1 to 500 characters).
 */
public final class AdminResetHandler extends MfaFunction {

    public AdminResetHandler() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    public AdminResetHandler(Wiring wiring) {
        super(wiring, route(wiring));
    }

    /**
     * Primed on the priming user, who has nothing to reset: the operator check, the read, then 409
     * mfa_not_enabled. Not primed: the delete (see {@link Priming}).
     */
    private static Route route(Wiring wiring) {
        Operators operators = new Operators(wiring);
        return Route.writing("admin-reset", "POST /admin/mfa/users/{userId}/reset",
                store -> new ResetMfa(wiring.attempts(store)),
                (reset, request) -> {
                    String operator = operators.requireOperator(request);
                    EnrollmentStatus removed = reset.reset(request.origin(), operator, Operators.targetUser(request),
                            request.resetReason("reason"));
                    return ApiResponse.json(200, JsonObject.create().field("status", "NONE")
                            .field("removed", removed.name()).build()).withMetrics(MfaMetric.ADMIN_RESET);
                });
    }
}
