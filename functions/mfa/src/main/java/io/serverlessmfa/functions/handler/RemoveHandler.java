package io.serverlessmfa.functions.handler;

import io.serverlessmfa.core.enrollment.EnrollmentStatus;
import io.serverlessmfa.core.enrollment.FreshSignIn;
import io.serverlessmfa.core.enrollment.RemoveMfa;
import io.serverlessmfa.core.enrollment.SecondFactorProof;
import io.serverlessmfa.core.port.SecretDecryptor;
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
 * needs proof of the second factor (none while a setup is only pending), and always a fresh sign-in
 * ({@link FreshSignIn}): cancelling a pending setup too, since the token cannot tell which it will be
 * before the enrollment is read, and the rule is checked before anything is.
 */
public final class RemoveHandler extends MfaFunction {

    public RemoveHandler() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    public RemoveHandler(Wiring wiring) {
        super(wiring, route(wiring));
    }

    /**
     * Primed on the priming user, who has no MFA: the body, the read, then 409 mfa_not_enabled;
     * apart, being pure, a TOTP check on a throwaway key. Not primed: KMS Decrypt and the delete
     * (see {@link Priming}).
     */
    private static Route route(Wiring wiring) {
        SecretDecryptor cipher = wiring.cipher();
        int digits = wiring.policy().totp().digits();
        FreshSignIn freshSignIn = wiring.freshSignIn();
        return Route.writing("remove", "POST /mfa/remove",
                store -> new RemoveMfa(wiring.codeCheck(store, cipher), wiring.recoveryCodes()),
                (remove, request) -> {
                    freshSignIn.require(request.claims());
                    ApiResponse removed = ApiResponse.json(200, JsonObject.create().field("status", "NONE").build());
                    // Cancelling a pending setup needs no proof and turns nothing off: not a removal for ops.
                    return remove.remove(request.origin(), request.userId(), proof(request, digits)) == EnrollmentStatus.ENABLED
                            ? removed.withMetrics(MfaMetric.VERIFY_SUCCEEDED, MfaMetric.MFA_REMOVED)
                            : removed;
                })
                .primedWithBody(Priming.codeBody(digits))
                .primedAlso(() -> Priming.checkTotp(wiring));
    }

    /** A code or a recovery code, never both; neither is for the core to refuse (a pending setup needs none). */
    private static Optional<SecondFactorProof> proof(ApiRequest request, int digits) {
        Optional<TotpCode> code = request.optionalTotpCode("code", digits);
        Optional<RecoveryCode> recoveryCode = request.optionalRecoveryCode("recoveryCode");
        if (code.isPresent() && recoveryCode.isPresent()) {
            throw new InvalidRequestException("send either code or recoveryCode, not both");
        }
        return code.<SecondFactorProof>map(SecondFactorProof.Totp::new)
                .or(() -> recoveryCode.map(SecondFactorProof.Recovery::new));
    }
}
