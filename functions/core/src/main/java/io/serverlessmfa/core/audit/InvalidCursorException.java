package io.serverlessmfa.core.audit;

/** A page cursor that the audit trail never gave out: the client's mistake, never ours. */
public final class InvalidCursorException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InvalidCursorException(String message) {
        super(message, null, false, false);
    }
}
