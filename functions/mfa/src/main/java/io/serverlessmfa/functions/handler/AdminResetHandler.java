package io.serverlessmfa.functions.handler;

import io.serverlessmfa.core.enrollment.EnrollmentStatus;
import io.serverlessmfa.core.enrollment.ResetMfa;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.http.ApiRequest;
import io.serverlessmfa.functions.http.ApiResponse;
import io.serverlessmfa.functions.http.JsonObject;
import io.serverlessmfa.functions.metrics.MfaMetric;

/**
 * {@code POST /admin/mfa/users/{userId}/reset} (operators only): the helpdesk reset for a user who
 * lost both the phone and the recovery code. It really resets (unlike Cognito's
 * AdminSetUserMFAPreference, which can answer 200 and leave MFA on): the secret, the recovery
 * hashes and any lock are gone in one transaction with the audit event naming the operator, so
 * the old codes stop working and the next sign-in sets MFA up anew.
 */
public final class AdminResetHandler extends MfaFunction {

    private final ResetMfa reset;

    public AdminResetHandler() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    public AdminResetHandler(Wiring wiring) {
        super("admin-reset", wiring);
        this.reset = new ResetMfa(wiring.store(), wiring.policy(), wiring.clock());
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        String operator = Operators.requireOperator(request);
        String userId = Operators.targetUser(request);
        EnrollmentStatus removed = reset.reset(request.origin(), operator, userId);
        return ApiResponse.json(200, JsonObject.create().field("status", "NONE").field("removed", removed.name()).build())
                .withMetrics(MfaMetric.ADMIN_RESET);
    }
}
