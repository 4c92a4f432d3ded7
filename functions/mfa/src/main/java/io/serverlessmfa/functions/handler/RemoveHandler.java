package io.serverlessmfa.functions.handler;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.serverlessmfa.core.enrollment.EnrollmentStatus;
import io.serverlessmfa.core.enrollment.RemoveMfa;
import io.serverlessmfa.core.enrollment.SecondFactorProof;
import io.serverlessmfa.core.enrollment.EnrollmentStore;
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
 * needs proof of the second factor (none while a setup is only pending).
 */
public final class RemoveHandler extends MfaFunction {

    private final RemoveMfa remove;
    /** The same, over a store that drops writes: for SnapStart priming only. */
    private final RemoveMfa primingRemove;
    private final int digits;

    public RemoveHandler() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    public RemoveHandler(Wiring wiring) {
        super("remove", wiring);
        SecretDecryptor cipher = wiring.cipher();
        EnrollmentStore store = wiring.store();
        this.remove = removeMfa(wiring, store, cipher);
        this.primingRemove = removeMfa(wiring, Priming.readOnly(store), cipher);
        this.digits = wiring.policy().totp().digits();
    }

    private static RemoveMfa removeMfa(Wiring wiring, EnrollmentStore store, SecretDecryptor cipher) {
        return new RemoveMfa(wiring.codeCheck(store, cipher), wiring.recoveryCodes());
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return removed(remove, request);
    }

    @Override
    protected APIGatewayV2HTTPEvent primingEvent() {
        return Priming.userEvent("POST /mfa/remove", Priming.codeBody(digits));
    }

    /**
     * The priming user has no MFA: the body, the read, then 409 mfa_not_enabled. Primed apart,
     * being pure: a TOTP check on a throwaway key. Not primed: KMS Decrypt and the delete (see
     * {@link Priming}).
     */
    @Override
    protected ApiResponse handlePriming(ApiRequest request) {
        primeTotpCheck();
        return removed(primingRemove, request);
    }

    private ApiResponse removed(RemoveMfa remove, ApiRequest request) {
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
