package io.serverlessmfa.core.audit;

/**
 * The user ids the service keeps for itself (SnapStart priming's user): a real request whose token
 * carries one is refused before any route runs, so such a user never has an enrollment or a trail,
 * and nothing about one is ever published.
 */
public final class ReservedUsers {

    /** The subjects no token may use: the service's own. */
    public static final String PREFIX = "serverless-mfa:";

    private ReservedUsers() {
    }

    public static boolean isReserved(String userId) {
        return userId.startsWith(PREFIX);
    }
}
