package io.serverlessmfa.functions.handler;

import io.serverlessmfa.core.enrollment.EnrollmentStatus;
import io.serverlessmfa.core.enrollment.RemoveMfa;
import io.serverlessmfa.core.enrollment.SecondFactorProof;
import io.serverlessmfa.core.recovery.RecoveryCode;
import io.serverlessmfa.core.totp.TotpCode;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.http.ApiRequest;
import io.serverlessmfa.functions.http.ApiResponse;
import io.serverlessmfa.functions.http.InvalidRequestException;
import io.serverlessmfa.functions.http.JsonObject;
import io.serverlessmfa.functions.metrics.MfaMetric;
import java.util.Optional;

/**
 * {@code POST /mfa/remove} {@code {"code":"123456"}} or {@code {"recoveryCode":"..."}}: removal
 * needs proof of the second factor (none while a setup is only pending).
 */
public final class RemoveHandler extends MfaFunction {

    private final RemoveMfa remove;
    private final int digits;

    public RemoveHandler() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    public RemoveHandler(Wiring wiring) {
        super("remove", wiring);
        this.remove = new RemoveMfa(wiring.store(), wiring.cipher(), wiring.verifier(), wiring.recoveryCodes(),
                wiring.policy(), wiring.clock());
        this.digits = wiring.policy().totp().digits();
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        Optional<TotpCode> code = request.optionalTotpCode("code", digits);
        Optional<RecoveryCode> recoveryCode = request.optionalRecoveryCode("recoveryCode");
        if (code.isPresent() && recoveryCode.isPresent()) {
            throw new InvalidRequestException("send either code or recoveryCode, not both");
        }
        Optional<SecondFactorProof> proof = code.<SecondFactorProof>map(SecondFactorProof.Totp::new)
                .or(() -> recoveryCode.map(SecondFactorProof.Recovery::new));
        ApiResponse removed = ApiResponse.json(200, JsonObject.create().field("status", "NONE").build());
        // Cancelling a pending setup needs no proof and turns nothing off: not a removal for ops.
        return remove.remove(request.origin(), request.userId(), proof) == EnrollmentStatus.ENABLED
                ? removed.withMetrics(MfaMetric.VERIFY_SUCCEEDED, MfaMetric.MFA_REMOVED)
                : removed;
    }
}
