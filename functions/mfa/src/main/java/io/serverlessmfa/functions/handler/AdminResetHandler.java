package io.serverlessmfa.functions.handler;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.serverlessmfa.core.enrollment.EnrollmentStatus;
import io.serverlessmfa.core.enrollment.ResetMfa;
import io.serverlessmfa.core.enrollment.EnrollmentStore;
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
    /** The same, over a store that drops writes: for SnapStart priming only. */
    private final ResetMfa primingReset;

    public AdminResetHandler() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    public AdminResetHandler(Wiring wiring) {
        super("admin-reset", wiring);
        EnrollmentStore store = wiring.store();
        this.reset = resetMfa(wiring, store);
        this.primingReset = resetMfa(wiring, Priming.readOnly(store));
    }

    private static ResetMfa resetMfa(Wiring wiring, EnrollmentStore store) {
        return new ResetMfa(wiring.attempts(store));
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return reset(reset, request);
    }

    @Override
    protected APIGatewayV2HTTPEvent primingEvent() {
        return Priming.operatorEvent("POST /admin/mfa/users/{userId}/reset");
    }

    /**
     * On the priming user, who has nothing to reset: the operator check, the read, then 409
     * mfa_not_enabled. Not primed: the delete (see {@link Priming}).
     */
    @Override
    protected ApiResponse handlePriming(ApiRequest request) {
        return reset(primingReset, request);
    }

    private static ApiResponse reset(ResetMfa reset, ApiRequest request) {
        String operator = Operators.requireOperator(request);
        String userId = Operators.targetUser(request);
        EnrollmentStatus removed = reset.reset(request.origin(), operator, userId);
        return ApiResponse.json(200, JsonObject.create().field("status", "NONE").field("removed", removed.name()).build())
                .withMetrics(MfaMetric.ADMIN_RESET);
    }
}
