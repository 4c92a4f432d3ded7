package io.serverlessmfa.core.port;

/**
 * A dependency (the key service or the store) is unreachable, throttling or failing. The request
 * changed nothing and may be retried: the HTTP layer answers 503 with Retry-After.
 */
public final class DependencyUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DependencyUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
