package io.serverlessmfa.core.enrollment;

import io.serverlessmfa.core.audit.SecurityEvent;
import java.util.Optional;

/**
 * Persistence of one user's enrollment. Every write is one atomic, conditional write on the
 * enrollment's {@link Enrollment#version() version}, so two requests computed from the same state
 * can never both succeed, and a failed write leaves the previous state intact. A write that carries
 * a {@link SecurityEvent} stores the event, and updates the adoption counts
 * ({@link io.serverlessmfa.core.adoption.AdoptionChange}), in that same atomic write.
 *
 * <p>All methods throw {@link io.serverlessmfa.core.port.DependencyUnavailableException} when the store is unreachable or
 * throttling.
 */
public interface EnrollmentStore {

    /** A strongly consistent read of the user's enrollment, as stored (expiry is the caller's rule). */
    Optional<Enrollment> find(String userId);

    /**
     * Starts or restarts setup over {@code current}, the enrollment as read (empty: none, or a
     * removed one). The lockout state of a pending enrollment is kept, so restarting setup does not
     * reset a running lock. {@code current} need not come from a read: a caller may assume a state
     * and learn from the refusal what is stored instead.
     *
     * @throws EnrollmentChangedException if the stored enrollment is not {@code current}, with the
     *         one that is (empty: none, or a removal's tombstone)
     * @param window the user's setup changes are counted in it, in the same atomic write
     * @throws ConcurrentUpdateException if the write lost a race and the store cannot tell what is
     *         stored (e.g. another transaction held one of its items)
     * @throws SetupChangeLimitReachedException if the user made the window's last change already
     */
    void savePending(Optional<Enrollment> current, Enrollment.Pending pending, SecurityEvent event,
                     SetupChangeWindow window);

    /**
     * Cancels a pending setup: deletes its secret, on condition that the stored version is
     * {@code current.version()}, and counts the change in {@code window}. Its failure count is
     * kept with the removal, so a new setup goes on counting (only a success or a helpdesk reset
     * sets it back to 0).
     *
     * @throws ConcurrentUpdateException if another write came first
     * @throws SetupChangeLimitReachedException if the user made the window's last change already
     */
    void cancelPending(Enrollment.Pending current, SecurityEvent event, SetupChangeWindow window);

    /**
     * Replaces {@code current} with {@code next}, on condition that the stored version is still
     * {@code current.version()} (and {@code next.version()} is the one after it).
     *
     * @throws ConcurrentUpdateException if another write came first
     */
    void replace(Enrollment current, Enrollment next, Optional<SecurityEvent> event);

    /**
     * Deletes the enrollment (secret, recovery hashes, lock state) on condition that the stored
     * version is {@code current.version()}. Versions never repeat for a user, even across a removal
     * and a new setup, so a stale request can never match a later enrollment.
     *
     * @throws ConcurrentUpdateException if another write came first
     */
    default void delete(Enrollment current, SecurityEvent event) {
        delete(current, event, Optional.empty());
    }

    /**
     * {@link #delete(Enrollment, SecurityEvent)}, and {@code operatorEvent}, when present, in the
     * trail of the operator who acted ({@link SecurityEvent#helpdesk()}), in the same atomic write.
     */
    void delete(Enrollment current, SecurityEvent event, Optional<SecurityEvent> operatorEvent);
}
