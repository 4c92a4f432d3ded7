package io.serverlessmfa.functions.http;

/** A malformed request: 400 invalid_request. Never counts as a failed code. */
public final class InvalidRequestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message for a person; never includes what the client sent */
    public InvalidRequestException(String message) {
        super(message, null, false, false);
    }
}
