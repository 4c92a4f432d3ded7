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
     * A failed code that started a lock at {@link #ACCOUNT_UNDER_ATTACK_FAILURES} or more consecutive
     * failures on one account (the third lock in a row with the defaults), or the lock until a
     * reset: a person who mistypes does not get there; one is enough for the single-account alarm.
     */
    ACCOUNT_UNDER_ATTACK("AccountUnderAttack"),
    ADMIN_RESET("AdminReset"),
    /** A request answered 503 because KMS failed (throttling, errors, unreachable) after the SDK's retries. */
    KMS_UNAVAILABLE("KmsUnavailable"),
    /** A request answered 503 because DynamoDB failed after the SDK's retries. */
    DYNAMODB_UNAVAILABLE("DynamoDbUnavailable");

    /**
     * Consecutive failed codes from which a lock means an attack on the account, whatever the
     * configured failures per lock: 15 is the third lock with the contract's 5 per lock.
     */
    public static final int ACCOUNT_UNDER_ATTACK_FAILURES = 15;

    private final String metricName;

    MfaMetric(String metricName) {
        this.metricName = metricName;
    }

    public String metricName() {
        return metricName;
    }
}
