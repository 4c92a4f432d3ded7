package io.serverlessmfa.functions.config;

import io.serverlessmfa.core.enrollment.FreshSignIn;
import io.serverlessmfa.core.enrollment.LockoutPolicy;
import io.serverlessmfa.core.enrollment.MfaPolicy;
import io.serverlessmfa.core.enrollment.SetupChangeLimit;
import io.serverlessmfa.core.totp.HmacAlgorithm;
import io.serverlessmfa.core.totp.TotpSettings;
import io.serverlessmfa.functions.crypto.DataKeyCaching;
import io.serverlessmfa.core.token.MfaTokenSettings;
import io.serverlessmfa.functions.metrics.EmfMetrics;
import io.serverlessmfa.functions.token.KeySchedule;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The functions' configuration, read once at init from environment variables and validated there,
 * with a message that names the variable. Nothing reads the environment after init.
 *
 * @param tableName  {@code MFA_TABLE_NAME}, required
 * @param kmsKeyId   {@code MFA_KMS_KEY_ID}: key id, ARN or alias; required by the functions that use KMS
 * @param region     {@code AWS_REGION} (set by Lambda)
 * @param endpoint   {@code AWS_ENDPOINT_URL}: an emulator, for local runs and tests only
 * @param policy     the enrollment rules ({@code MFA_ISSUER}, {@code MFA_TOTP_*}, {@code MFA_LOCKOUT_*},
 *                   {@code MFA_PENDING_SETUP_SECONDS}, {@code MFA_RECOVERY_CODE_COUNT}, {@code MFA_SETUP_CHANGE_*})
 * @param metricsNamespace {@code MFA_METRICS_NAMESPACE}: the CloudWatch namespace of the EMF metrics
 * @param auditRetention   {@code MFA_AUDIT_RETENTION_DAYS}: how long security events are kept
 * @param totalUsers       {@code MFA_TOTAL_USERS}: all users of the portal, for the adoption ratio
 *                         (unset or 0: unknown, no ratio)
 * @param dataKeyCaching   {@code MFA_DATA_KEY_MAX_AGE_SECONDS} (0: off, a KMS call per secret),
 *                         {@code MFA_DATA_KEY_MAX_USES}, {@code MFA_DATA_KEY_CACHE_ENTRIES}
 * @param tokens           {@code MFA_TOKEN_ISSUER}, {@code MFA_TOKEN_AUDIENCE}, {@code MFA_TOKEN_LIFETIME_SECONDS},
 *                         {@code MFA_SIGNING_KEY_PUBLISHED_AHEAD_SECONDS}
 * @param operatorGroup    {@code MFA_OPERATOR_GROUP}: the group whose members are operators (contract:
 *                         "Helpdesk routes", default {@value #DEFAULT_OPERATOR_GROUP})
 * @param reauthenticationAge {@code MFA_REAUTHENTICATION_MINUTES}: how old the user's sign-in may be
 *                         for setup, regenerating the recovery codes and removal ({@link FreshSignIn};
 *                         1 to 1440 minutes, default 60)
 * @param eventBusName     {@code MFA_EVENT_BUS_NAME}: the EventBridge bus the security events are
 *                         published to, a name or an ARN (default {@value #DEFAULT_EVENT_BUS})
 */
public record MfaConfiguration(String tableName, Optional<String> kmsKeyId, String region,
                               Optional<URI> endpoint, MfaPolicy policy, String metricsNamespace,
                               Duration auditRetention, OptionalLong totalUsers, DataKeyCaching dataKeyCaching,
                               TokenConfiguration tokens, String operatorGroup, Duration reauthenticationAge,
                               String eventBusName) {

    public static final String TABLE_NAME = "MFA_TABLE_NAME";
    public static final String KMS_KEY_ID = "MFA_KMS_KEY_ID";
    public static final String ISSUER = "MFA_ISSUER";
    public static final String TOTP_ALGORITHM = "MFA_TOTP_ALGORITHM";
    public static final String TOTP_DIGITS = "MFA_TOTP_DIGITS";
    public static final String TOTP_PERIOD_SECONDS = "MFA_TOTP_PERIOD_SECONDS";
    public static final String TOTP_WINDOW = "MFA_TOTP_WINDOW";
    public static final String LOCKOUT_FAILURES_PER_LOCK = "MFA_LOCKOUT_FAILURES_PER_LOCK";
    public static final String LOCKOUT_FIRST_LOCK_SECONDS = "MFA_LOCKOUT_FIRST_LOCK_SECONDS";
    public static final String LOCKOUT_LONGEST_LOCK_SECONDS = "MFA_LOCKOUT_LONGEST_LOCK_SECONDS";
    public static final String LOCKOUT_FAILURES_UNTIL_RESET = "MFA_LOCKOUT_FAILURES_UNTIL_RESET";
    public static final String PENDING_SETUP_SECONDS = "MFA_PENDING_SETUP_SECONDS";
    public static final String SETUP_CHANGE_LIMIT = "MFA_SETUP_CHANGE_LIMIT";
    public static final String SETUP_CHANGE_WINDOW_SECONDS = "MFA_SETUP_CHANGE_WINDOW_SECONDS";
    public static final String RECOVERY_CODE_COUNT = "MFA_RECOVERY_CODE_COUNT";
    public static final String METRICS_NAMESPACE = "MFA_METRICS_NAMESPACE";
    public static final String AUDIT_RETENTION_DAYS = "MFA_AUDIT_RETENTION_DAYS";
    public static final String TOTAL_USERS = "MFA_TOTAL_USERS";
    public static final String DATA_KEY_MAX_AGE_SECONDS = "MFA_DATA_KEY_MAX_AGE_SECONDS";
    public static final String DATA_KEY_MAX_USES = "MFA_DATA_KEY_MAX_USES";
    public static final String DATA_KEY_CACHE_ENTRIES = "MFA_DATA_KEY_CACHE_ENTRIES";
    public static final String TOKEN_ISSUER = "MFA_TOKEN_ISSUER";
    public static final String TOKEN_AUDIENCE = "MFA_TOKEN_AUDIENCE";
    public static final String TOKEN_LIFETIME_SECONDS = "MFA_TOKEN_LIFETIME_SECONDS";
    public static final String SIGNING_KEY_PUBLISHED_AHEAD_SECONDS = "MFA_SIGNING_KEY_PUBLISHED_AHEAD_SECONDS";
    public static final String OPERATOR_GROUP = "MFA_OPERATOR_GROUP";
    public static final String REAUTHENTICATION_MINUTES = "MFA_REAUTHENTICATION_MINUTES";
    public static final String EVENT_BUS_NAME = "MFA_EVENT_BUS_NAME";
    public static final String REGION = "AWS_REGION";
    public static final String ENDPOINT_URL = "AWS_ENDPOINT_URL";

    /** The account's default bus: where the security events go when {@code MFA_EVENT_BUS_NAME} is unset. */
    public static final String DEFAULT_EVENT_BUS = "default";

    /** The issuer when {@code MFA_ISSUER} is unset: the name the authenticator app shows. */
    public static final String DEFAULT_ISSUER = "Serverless MFA";

    /** The operators' group when {@code MFA_OPERATOR_GROUP} is unset (contract: "Helpdesk routes"). */
    public static final String DEFAULT_OPERATOR_GROUP = "mfa-admin";

    /** @throws ConfigurationException naming the first variable that is missing or invalid */
    public static MfaConfiguration fromEnvironment(Map<String, String> environment) {
        Reader env = new Reader(environment);
        String table = env.required(TABLE_NAME);
        Optional<String> keyId = env.optional(KMS_KEY_ID);
        String region = env.required(REGION);
        Optional<URI> endpoint = env.optional(ENDPOINT_URL).map(value -> env.uri(ENDPOINT_URL, value));

        HmacAlgorithm algorithm = env.parse(TOTP_ALGORITHM, "SHA1", HmacAlgorithm::fromName,
                "one of SHA1, SHA256, SHA512");
        int digits = env.integer(TOTP_DIGITS, 6, 6, 8);
        int period = env.integer(TOTP_PERIOD_SECONDS, 30, 15, 300);
        int window = env.integer(TOTP_WINDOW, 1, 0, 10);
        // Renamed when locks began to escalate: a deployment still setting the old names would
        // silently run on the defaults.
        for (String renamed : List.of("MFA_LOCKOUT_MAX_FAILURES", "MFA_LOCKOUT_SECONDS")) {
            if (env.optional(renamed).isPresent()) {
                throw new ConfigurationException(renamed + " is no longer read: use " + LOCKOUT_FAILURES_PER_LOCK
                        + ", " + LOCKOUT_FIRST_LOCK_SECONDS + ", " + LOCKOUT_LONGEST_LOCK_SECONDS + " and "
                        + LOCKOUT_FAILURES_UNTIL_RESET);
            }
        }
        LockoutPolicy lockoutDefaults = LockoutPolicy.defaults();
        int failuresPerLock = env.integer(LOCKOUT_FAILURES_PER_LOCK, lockoutDefaults.failuresPerLock(), 1,
                LockoutPolicy.NIST_LIMIT);
        int firstLockSeconds = env.integer(LOCKOUT_FIRST_LOCK_SECONDS, (int) lockoutDefaults.firstLock().toSeconds(),
                1, 86_400);
        int longestLockSeconds = env.integer(LOCKOUT_LONGEST_LOCK_SECONDS,
                (int) lockoutDefaults.longestLock().toSeconds(), firstLockSeconds, 7 * 86_400);
        int failuresUntilReset = env.integer(LOCKOUT_FAILURES_UNTIL_RESET, lockoutDefaults.failuresUntilReset(),
                failuresPerLock, LockoutPolicy.NIST_LIMIT);
        int pendingSeconds = env.integer(PENDING_SETUP_SECONDS, 600, 60, 86_400);
        int recoveryCodes = env.integer(RECOVERY_CODE_COUNT, 1, 1, 16);
        SetupChangeLimit setupDefaults = SetupChangeLimit.defaults();
        int setupChanges = env.integer(SETUP_CHANGE_LIMIT, setupDefaults.maxChanges(), 1, 1_000);
        int setupWindowSeconds = env.integer(SETUP_CHANGE_WINDOW_SECONDS, (int) setupDefaults.window().toSeconds(),
                60, 86_400);
        String issuer = env.optional(ISSUER).orElse(DEFAULT_ISSUER);
        if (issuer.indexOf(':') >= 0 || issuer.length() > 64) {
            throw new ConfigurationException(ISSUER + " must be at most 64 characters and contain no ':' (Key Uri Format)");
        }

        MfaPolicy policy = new MfaPolicy(issuer,
                new TotpSettings(algorithm, digits, Duration.ofSeconds(period)), window,
                new LockoutPolicy(failuresPerLock, Duration.ofSeconds(firstLockSeconds),
                        Duration.ofSeconds(longestLockSeconds), failuresUntilReset),
                Duration.ofSeconds(pendingSeconds), recoveryCodes,
                new SetupChangeLimit(setupChanges, Duration.ofSeconds(setupWindowSeconds)));
        String namespace = env.optional(METRICS_NAMESPACE).orElse(EmfMetrics.DEFAULT_NAMESPACE);
        if (!namespace.matches("[A-Za-z0-9._/#:-]{1,255}") || namespace.startsWith("AWS/")) {
            // CloudWatch's rule for namespaces; AWS/ is reserved for AWS services.
            throw new ConfigurationException(METRICS_NAMESPACE + " must be 1-255 of A-Z a-z 0-9 . _ / # : - and not start with AWS/");
        }
        int auditDays = env.integer(AUDIT_RETENTION_DAYS, 365, 1, 3653);
        int totalUsers = env.integer(TOTAL_USERS, 0, 0, 1_000_000_000);
        DataKeyCaching defaults = DataKeyCaching.DEFAULT;
        int maxAge = env.integer(DATA_KEY_MAX_AGE_SECONDS, (int) defaults.maxAge().toSeconds(), 0, 86_400);
        // Far below the 2^32 random-nonce invocations NIST SP 800-38D §8.3 allows one GCM key.
        int maxUses = env.integer(DATA_KEY_MAX_USES, (int) defaults.maxUses(), 1, 100_000_000);
        int entries = env.integer(DATA_KEY_CACHE_ENTRIES, defaults.maxEntries(), 1, 100_000);
        DataKeyCaching caching = maxAge == 0 ? DataKeyCaching.OFF
                : new DataKeyCaching(Duration.ofSeconds(maxAge), maxUses, entries);
        String operatorGroup = env.optional(OPERATOR_GROUP).orElse(DEFAULT_OPERATOR_GROUP);
        if (operatorGroup.length() > 128 || !operatorGroup.codePoints().allMatch(c -> c > ' ' && c != '[' && c != ']' && c != 127)) {
            // API Gateway hands a group claim over as "[a b]": a name with a space or a bracket could never match.
            throw new ConfigurationException(OPERATOR_GROUP + " must be 1 to 128 characters without spaces, brackets or"
                    + " control characters, got '" + operatorGroup + "'");
        }
        int reauthenticationMinutes = env.integer(REAUTHENTICATION_MINUTES, (int) FreshSignIn.DEFAULT_MAX_AGE.toMinutes(),
                (int) FreshSignIn.MIN_MAX_AGE.toMinutes(), (int) FreshSignIn.MAX_MAX_AGE.toMinutes());
        String eventBus = env.optional(EVENT_BUS_NAME).orElse(DEFAULT_EVENT_BUS);
        if (!eventBus.matches("(arn:aws[a-z-]*:events:[a-z0-9-]+:[0-9]{12}:event-bus/)?[A-Za-z0-9._/-]{1,256}")) {
            // EventBridge's rule for bus names (or the bus's ARN, for a bus of another account).
            throw new ConfigurationException(EVENT_BUS_NAME + " must be an event bus name (1-256 of A-Z a-z 0-9 . _ / -)"
                    + " or an event bus ARN, got '" + eventBus + "'");
        }
        return new MfaConfiguration(table, keyId, region, endpoint, policy, namespace, Duration.ofDays(auditDays),
                totalUsers == 0 ? OptionalLong.empty() : OptionalLong.of(totalUsers), caching, tokens(env), operatorGroup,
                Duration.ofMinutes(reauthenticationMinutes), eventBus);
    }

    private static TokenConfiguration tokens(Reader env) {
        Optional<String> issuer = env.optional(TOKEN_ISSUER).map(value -> {
            URI uri = env.uri(TOKEN_ISSUER, value);
            // OIDC Discovery §3: the issuer is a URL with no query or fragment; the discovery
            // document is found by appending /.well-known/openid-configuration to it.
            if (!(uri.getScheme().equals("https") || uri.getScheme().equals("http") && "127.0.0.1".equals(uri.getHost()))
                    || uri.getRawQuery() != null || uri.getRawFragment() != null || value.endsWith("/")) {
                throw new ConfigurationException(TOKEN_ISSUER + " must be an https URL (http only on 127.0.0.1) without query,"
                        + " fragment or trailing slash, got '" + value + "'");
            }
            return value;
        });
        String audience = env.optional(TOKEN_AUDIENCE).orElse(TokenConfiguration.DEFAULT_AUDIENCE);
        int lifetime = env.integer(TOKEN_LIFETIME_SECONDS, (int) MfaTokenSettings.DEFAULT_LIFETIME.toSeconds(),
                (int) MfaTokenSettings.MIN_LIFETIME.toSeconds(), (int) MfaTokenSettings.MAX_LIFETIME.toSeconds());
        int ahead = env.integer(SIGNING_KEY_PUBLISHED_AHEAD_SECONDS, (int) KeySchedule.DEFAULT_PUBLISHED_AHEAD.toSeconds(),
                (int) KeySchedule.MIN_PUBLISHED_AHEAD.toSeconds(), (int) KeySchedule.MAX_PUBLISHED_AHEAD.toSeconds());
        return new TokenConfiguration(issuer, new MfaTokenSettings(audience, Duration.ofSeconds(lifetime)),
                Duration.ofSeconds(ahead));
    }

    /** The KMS key, for the functions that encrypt or decrypt. */
    public String requireKmsKeyId() {
        return kmsKeyId.orElseThrow(() -> new ConfigurationException(KMS_KEY_ID + " is required but not set"));
    }

    private record Reader(Map<String, String> environment) {

        Optional<String> optional(String name) {
            String value = environment.get(name);
            return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
        }

        String required(String name) {
            return optional(name).orElseThrow(() -> new ConfigurationException(name + " is required but not set"));
        }

        int integer(String name, int defaultValue, int min, int max) {
            return parse(name, Integer.toString(defaultValue), value -> {
                int parsed = Integer.parseInt(value);
                if (parsed < min || parsed > max) {
                    throw new IllegalArgumentException("out of range");
                }
                return parsed;
            }, "an integer from " + min + " to " + max);
        }

        <T> T parse(String name, String defaultValue, java.util.function.Function<String, T> parser, String expected) {
            String value = optional(name).orElse(defaultValue);
            try {
                return parser.apply(value);
            } catch (RuntimeException invalid) {
                throw new ConfigurationException(name + " must be " + expected + ", got '" + value + "'");
            }
        }

        URI uri(String name, String value) {
            try {
                URI uri = URI.create(value);
                if (uri.getScheme() == null || uri.getHost() == null) {
                    throw new IllegalArgumentException("no scheme or host");
                }
                return uri;
            } catch (IllegalArgumentException invalid) {
                throw new ConfigurationException(name + " must be an absolute URL, got '" + value + "'");
            }
        }
    }
}
