package io.serverlessmfa.functions.metrics;

/**
 * What ops count: every state change and every second-factor check. The names are the CloudWatch
 * metric names the dashboard and alarms in template.yaml refer to.
 */
public enum MfaMetric {
    SETUP_STARTED("SetupStarted"),
    MFA_ENABLED("MfaEnabled"),
    MFA_REMOVED("MfaRemoved"),
    /** A TOTP or recovery code accepted, on any route. */
    VERIFY_SUCCEEDED("VerifySucceeded"),
    /** A TOTP or recovery code evaluated and refused, on any route: the brute-force signal. */
    VERIFY_FAILED("VerifyFailed"),
    RECOVERY_CODE_USED("RecoveryCodeUsed"),
    RECOVERY_CODES_REGENERATED("RecoveryCodesRegenerated"),
    /** A failed code that started a lock (any level, the lock until a reset included). */
    LOCKED_OUT("LockedOut"),
    /**
     * A failed code that started a lock of level {@link #ACCOUNT_UNDER_ATTACK_LOCK_LEVEL} or higher:
     * at least 15 consecutive failures on one account with the defaults, which a person who mistypes
     * does not reach; one is enough for the single-account alarm.
     */
    ACCOUNT_UNDER_ATTACK("AccountUnderAttack"),
    ADMIN_RESET("AdminReset"),
    /** A request answered 503 because KMS failed (throttling, errors, unreachable) after the SDK's retries. */
    KMS_UNAVAILABLE("KmsUnavailable"),
    /** A request answered 503 because DynamoDB failed after the SDK's retries. */
    DYNAMODB_UNAVAILABLE("DynamoDbUnavailable");

    /** The lock level (1 for the first lock since a success) from which an account counts as attacked. */
    public static final int ACCOUNT_UNDER_ATTACK_LOCK_LEVEL = 3;

    private final String metricName;

    MfaMetric(String metricName) {
        this.metricName = metricName;
    }

    public String metricName() {
        return metricName;
    }
}
