package io.serverlessmfa.core.port;

import java.util.Objects;
import java.util.Optional;

/**
 * A dependency (the key service or the store) is unreachable, throttling or failing, or one
 * enrollment is so contended that a request cannot get its write in. The request changed nothing
 * and may be retried: the HTTP layer answers 503 with Retry-After.
 */
public final class DependencyUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What failed, so ops can tell a KMS outage from a DynamoDB one (each has its own alarm). */
    public enum Dependency {
        /** The service that holds the keys secrets are sealed under (KMS). */
        KEY_SERVICE,
        /** Where enrollments, events and counts are kept (DynamoDB). */
        STORE
    }

    /** Null when no dependency failed: contention on one enrollment, or an interrupted retry. */
    private final Dependency dependency;

    /** {@code dependency} failed. */
    public DependencyUnavailableException(Dependency dependency, String message, Throwable cause) {
        super(message, cause);
        this.dependency = Objects.requireNonNull(dependency, "dependency");
    }

    private DependencyUnavailableException(String message, Throwable cause) {
        super(message, cause);
        this.dependency = null;
    }

    /** No dependency failed, but the request could not be served now (contention, an interrupt). */
    public static DependencyUnavailableException busy(String message, Throwable cause) {
        return new DependencyUnavailableException(message, cause);
    }

    /** The dependency that failed; empty when none did ({@link #busy}). */
    public Optional<Dependency> dependency() {
        return Optional.ofNullable(dependency);
    }
}
