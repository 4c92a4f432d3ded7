package io.serverlessmfa.core.enrollment;

/** The enrollment state machine: NONE → PENDING → ENABLED → NONE (see the API contract). */
public enum EnrollmentStatus {
    /** No MFA: no record, or a pending setup past its expiry. */
    NONE,
    /** A secret was issued and awaits its first code. */
    PENDING,
    /** MFA is on: codes and recovery codes are checked. */
    ENABLED
}
