package io.serverlessmfa.functions.handler;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.serverlessmfa.core.enrollment.RecoverAccess;
import io.serverlessmfa.core.enrollment.RecoveryCodeIssuer;
import io.serverlessmfa.core.enrollment.EnrollmentStore;
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
    /** The same, over a store that drops writes: for SnapStart priming only. */
    private final RecoverAccess primingRecover;
    private final RecoveryCodeIssuer recoveryCodes;

    public RecoverHandler() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    public RecoverHandler(Wiring wiring) {
        super("recover", wiring);
        this.recoveryCodes = wiring.recoveryCodes();
        EnrollmentStore store = wiring.store();
        this.recover = new RecoverAccess(wiring.attempts(store), recoveryCodes);
        this.primingRecover = new RecoverAccess(wiring.attempts(Priming.readOnly(store)), recoveryCodes);
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return recovered(recover, request);
    }

    @Override
    protected APIGatewayV2HTTPEvent primingEvent() {
        return Priming.userEvent("POST /mfa/recover", Priming.recoveryCodeBody());
    }

    /**
     * The priming user has no MFA: the body, the read, then 409 mfa_not_enabled. Primed apart,
     * being pure: one recovery code issued and dropped (the generator and the salted SHA-256 the
     * check also uses). Not primed: the write (see {@link Priming}).
     */
    @Override
    protected ApiResponse handlePriming(ApiRequest request) {
        Priming.issueRecoveryCode(recoveryCodes);
        return recovered(primingRecover, request);
    }

    private static ApiResponse recovered(RecoverAccess recover, ApiRequest request) {
        String replacement = recover.recover(request.origin(), request.userId(), request.recoveryCode("recoveryCode")).formatted();
        return ApiResponse.json(200, JsonObject.create()
                .field("status", "ENABLED")
                .field("recoveryCodes", List.of(replacement))
                .build()).withMetrics(MfaMetric.VERIFY_SUCCEEDED, MfaMetric.RECOVERY_CODE_USED);
    }
}
