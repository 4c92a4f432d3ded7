package io.serverlessmfa.core.enrollment;

/**
 * A conditional write lost against another write to the same enrollment: the state it was
 * computed from is stale. The use case re-reads and decides again; where the store can tell what
 * the write found instead, it throws {@link EnrollmentChangedException}, and no re-read is needed.
 */
public class ConcurrentUpdateException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConcurrentUpdateException(String message) {
        super(message, null, false, false);
    }
}
