package io.serverlessmfa.functions.http;

/** No usable identity in the authorizer's claims: API Gateway's own 401 answer. */
public final class UnauthorizedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UnauthorizedException(String message) {
        super(message, null, false, false);
    }
}
