package io.serverlessmfa.functions.handler;

import io.serverlessmfa.functions.http.ApiRequest;
import io.serverlessmfa.functions.http.ForbiddenException;
import io.serverlessmfa.functions.http.InvalidRequestException;

/**
 * The operator routes' two checks. The JWT authorizer has already checked the token; being an
 * operator is a claim of that token (the {@code mfa-admin} group), so no other credential is
 * involved and the identity provider stays the one place where operators are named.
 */
final class Operators {

    static final String GROUP = "mfa-admin";
    private static final int MAX_USER_ID = 128;

    private Operators() {
    }

    /** The operator's own id ({@code sub}), for the audit trail; 403 for anyone else. */
    static String requireOperator(ApiRequest request) {
        if (!request.inGroup(GROUP)) {
            throw new ForbiddenException("not in " + GROUP);
        }
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
