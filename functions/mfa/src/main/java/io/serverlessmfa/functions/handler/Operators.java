package io.serverlessmfa.functions.handler;

import io.serverlessmfa.core.token.StepUp;
import io.serverlessmfa.functions.config.TokenConfiguration;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.http.ApiRequest;
import io.serverlessmfa.functions.http.ForbiddenException;
import io.serverlessmfa.functions.http.InvalidRequestException;

/**
 * The operator routes' checks (contract: "Helpdesk routes"). The JWT authorizer has already checked
 * the sign-in token; being an operator is a claim of that token (the group {@code MFA_OPERATOR_GROUP},
 * by default {@code mfa-admin}), so
 * the identity provider stays the one place where operators are named. On top of it the operator
 * shows their own second factor: an MFA token of this service in {@code X-MFA-Token}, at most five
 * minutes old ({@link StepUp}), so a stolen operator password alone reaches no one's MFA.
 */
final class Operators {

    static final String STEP_UP_HEADER = "X-MFA-Token";
    private static final int MAX_USER_ID = 128;

    private final StepUp stepUp;
    private final TokenConfiguration tokens;
    private final String group;

    Operators(Wiring wiring) {
        this.stepUp = wiring.stepUp();
        this.tokens = wiring.configuration().tokens();
        this.group = wiring.configuration().operatorGroup();
    }

    /**
     * The operator's own id ({@code sub}), for the audit trail: 403 forbidden for anyone not in the
     * group, then 403 mfa_required without a fresh step-up of their own.
     */
    String requireOperator(ApiRequest request) {
        if (!request.inGroup(group)) {
            throw new ForbiddenException("not in the operator group");
        }
        stepUp.require(MfaTokens.issuer(tokens, request), request.userId(), request.header(STEP_UP_HEADER));
        return request.userId();
    }

    /** The {@code userId} path parameter: the {@code sub} of the user the operator acts on. */
    static String targetUser(ApiRequest request) {
        String userId = request.pathParameter("userId").orElse("");
        if (userId.isEmpty() || userId.length() > MAX_USER_ID || userId.codePoints().anyMatch(Character::isISOControl)) {
            throw new InvalidRequestException("userId must be a user's sub: 1 to " + MAX_USER_ID + " characters");
        }
        return userId;
    }
}
