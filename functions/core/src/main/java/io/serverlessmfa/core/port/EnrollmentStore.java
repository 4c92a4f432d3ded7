package io.serverlessmfa.core.port;

import io.serverlessmfa.core.enrollment.Enrollment;
import java.util.Optional;

/**
 * Persistence of one user's enrollment. Every write is a single conditional write on the
 * enrollment's {@link Enrollment#version() version}, so two requests computed from the same state
 * can never both succeed, and a failed write leaves the previous state intact.
 *
 * <p>All methods throw {@link DependencyUnavailableException} when the store is unreachable or
 * throttling.
 */
public interface EnrollmentStore {

    /** A strongly consistent read of the user's enrollment, as stored (expiry is the caller's rule). */
    Optional<Enrollment> find(String userId);

    /**
     * Starts or restarts setup in one conditional write that succeeds only if the user has no
     * enrollment or a pending one (never over an enabled one). The lockout state of a pending
     * enrollment is kept, so restarting setup does not reset a running lock.
     *
     * @return false if the user has MFA enabled (nothing was written)
     */
    boolean savePending(Enrollment pending);

    /**
     * Replaces the stored enrollment with {@code next}, on condition that the stored version is
     * {@code next.version() - 1}.
     *
     * @throws ConcurrentUpdateException if another write came first
     */
    void replace(Enrollment next);

    /**
     * Deletes the enrollment (secret, recovery hashes, lock state) on condition that the stored
     * version is {@code current.version()}. Versions never repeat for a user, even across a removal
     * and a new setup, so a stale request can never match a later enrollment.
     *
     * @throws ConcurrentUpdateException if another write came first
     */
    void delete(Enrollment current);
}
