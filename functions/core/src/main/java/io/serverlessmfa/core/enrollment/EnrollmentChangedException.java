package io.serverlessmfa.core.enrollment;

import java.util.Optional;

/**
 * A conditional write that lost because the stored enrollment is not the one it was computed
 * from, carrying the enrollment the write's condition was checked against, read in that same
 * atomic step (DynamoDB: ReturnValuesOnConditionCheckFailure = ALL_OLD). The use case decides
 * again on it without a read of its own.
 */
public final class EnrollmentChangedException extends ConcurrentUpdateException {

    private static final long serialVersionUID = 1L;

    /** Null: nothing stored, or a removal's tombstone. */
    private final transient Enrollment stored;

    /** @param stored what is stored (empty: nothing, or a removal's tombstone) */
    public EnrollmentChangedException(String message, Optional<Enrollment> stored) {
        super(message);
        this.stored = stored.orElse(null);
    }

    /** The enrollment stored when the write was refused (empty: nothing, or a removal's tombstone). */
    public Optional<Enrollment> stored() {
        return Optional.ofNullable(stored);
    }
}
