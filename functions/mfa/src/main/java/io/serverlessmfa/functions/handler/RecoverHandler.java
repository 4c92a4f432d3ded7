package io.serverlessmfa.functions.handler;

import io.serverlessmfa.core.enrollment.RecoverAccess;
import io.serverlessmfa.core.enrollment.RecoveryCodeIssuer;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.http.ApiResponse;
import io.serverlessmfa.functions.http.JsonObject;
import io.serverlessmfa.functions.metrics.MfaMetric;
import java.util.List;

/**
 * {@code POST /mfa/recover} {@code {"recoveryCode":"..."}}: the used code is replaced by a new
 * one. DynamoDB only: recovery codes are hashes, so this function needs no KMS at all.
 */
public final class RecoverHandler extends MfaFunction {

    public RecoverHandler() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    public RecoverHandler(Wiring wiring) {
        super(wiring, route(wiring));
    }

    /**
     * Primed on the priming user, who has no MFA: the body, the read, then 409 mfa_not_enabled;
     * apart, being pure, one recovery code issued and dropped (the generator and the salted SHA-256
     * the check also uses). Not primed: the write (see {@link Priming}).
     */
    private static Route route(Wiring wiring) {
        RecoveryCodeIssuer recoveryCodes = wiring.recoveryCodes();
        return Route.writing("recover", "POST /mfa/recover",
                store -> new RecoverAccess(wiring.attempts(store), recoveryCodes),
                (recover, request) -> {
                    String replacement = recover.recover(request.origin(), request.userId(),
                            request.recoveryCode("recoveryCode")).formatted();
                    return ApiResponse.json(200, JsonObject.create()
                            .field("status", "ENABLED")
                            .field("recoveryCodes", List.of(replacement))
                            .build()).withMetrics(MfaMetric.VERIFY_SUCCEEDED, MfaMetric.RECOVERY_CODE_USED);
                })
                .primedWithBody(Priming.recoveryCodeBody())
                .primedAlso(() -> Priming.issueRecoveryCode(recoveryCodes));
    }
}
