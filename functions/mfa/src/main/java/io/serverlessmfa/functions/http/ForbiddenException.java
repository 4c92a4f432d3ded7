package io.serverlessmfa.functions.http;

/** A signed-in caller without the right to this route (e.g. not in the operators' group): 403. */
public final class ForbiddenException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ForbiddenException(String message) {
        super(message, null, false, false);
    }
}
