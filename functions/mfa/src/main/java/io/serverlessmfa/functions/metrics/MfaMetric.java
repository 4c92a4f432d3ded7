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
    /** A failed code that reached the limit and started a lock. */
    LOCKED_OUT("LockedOut"),
    ADMIN_RESET("AdminReset"),
    /** A request answered 503 because KMS failed (throttling, errors, unreachable) after the SDK's retries. */
    KMS_UNAVAILABLE("KmsUnavailable"),
    /** A request answered 503 because DynamoDB failed after the SDK's retries. */
    DYNAMODB_UNAVAILABLE("DynamoDbUnavailable");

    private final String metricName;

    MfaMetric(String metricName) {
        this.metricName = metricName;
    }

    public String metricName() {
        return metricName;
    }
}
