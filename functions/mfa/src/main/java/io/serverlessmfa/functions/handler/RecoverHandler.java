package io.serverlessmfa.functions.handler;

import io.serverlessmfa.core.enrollment.RecoverAccess;
import io.serverlessmfa.core.enrollment.RecoveryCodeIssuer;
import io.serverlessmfa.core.token.MfaTokenIssuer;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.http.ApiResponse;
import io.serverlessmfa.functions.http.JsonObject;
import io.serverlessmfa.functions.metrics.MfaMetric;
import io.serverlessmfa.functions.config.TokenConfiguration;
import java.util.List;

/**
 * {@code POST /mfa/recover} {@code {"recoveryCode":"..."}}: the used code is replaced by a new
 * one, and the MFA token says {@code amr: ["rec"]}. Recovery codes are hashes, so KMS serves only
 * to unseal the token signing key, once per container.
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
     * the check also uses) and an ES256 signature with a throwaway key. Not primed: the write and
     * the signing key (see {@link Priming}).
     */
    private static Route route(Wiring wiring) {
        RecoveryCodeIssuer recoveryCodes = wiring.recoveryCodes();
        MfaTokenIssuer tokens = wiring.tokenIssuer();
        TokenConfiguration tokenConfiguration = wiring.configuration().tokens();
        return Route.writing("recover", "POST /mfa/recover",
                store -> new RecoverAccess(wiring.attempts(store), recoveryCodes, tokens),
                (recover, request) -> {
                    RecoverAccess.Recovered recovered = recover.recover(request.origin(), request.userId(),
                            request.recoveryCode("recoveryCode"), MfaTokens.requestOf(tokenConfiguration, request));
                    return ApiResponse.json(200, MfaTokens.withToken(JsonObject.create()
                            .field("status", "ENABLED")
                            .field("recoveryCodes", List.of(recovered.replacement().formatted())), recovered.token())
                            .build()).withMetrics(MfaMetric.VERIFY_SUCCEEDED, MfaMetric.RECOVERY_CODE_USED);
                })
                .primedWithBody(Priming.recoveryCodeBody())
                .primedAlso(() -> Priming.hashRecoveryCode(wiring))
                .primedAlso(() -> Priming.signToken(wiring));
    }
}
