package io.serverlessmfa.functions.config;

import io.serverlessmfa.core.adoption.AdoptionStatistics;
import io.serverlessmfa.core.audit.AuditTrail;
import io.serverlessmfa.core.enrollment.Attempts;
import io.serverlessmfa.core.enrollment.CodeCheck;
import io.serverlessmfa.core.enrollment.EnrollmentStore;
import io.serverlessmfa.core.enrollment.MfaPolicy;
import io.serverlessmfa.core.enrollment.RecoveryCodeIssuer;
import io.serverlessmfa.core.port.SecretDecryptor;
import io.serverlessmfa.core.recovery.RecoveryCodeGenerator;
import io.serverlessmfa.core.recovery.RecoveryCodeHasher;
import io.serverlessmfa.core.totp.TotpGenerator;
import io.serverlessmfa.core.totp.TotpVerifier;
import io.serverlessmfa.functions.crypto.EnvelopeSecretCipher;
import io.serverlessmfa.functions.store.AdoptionCounters;
import io.serverlessmfa.functions.store.AdoptionReconciliation;
import io.serverlessmfa.functions.store.DynamoDbAuditTrail;
import io.serverlessmfa.functions.store.DynamoDbEnrollmentStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * What a function is built from: configuration, time, randomness and the AWS clients. A handler's
 * constructor (Lambda's init phase) takes only the pieces its route needs, so a function that
 * never decrypts never builds a KMS client. Thread-safe.
 */
public final class Wiring {

    /**
     * Fresh entropy mixed into {@link #random()} after a SnapStart restore: 256 bits, the highest
     * security strength of any DRBG (NIST SP 800-90A Rev. 1, Table 2).
     */
    static final int RESTORE_ENTROPY_BYTES = 32;

    private final MfaConfiguration configuration;
    private final Clock clock;
    private final SecureRandom random;
    private DynamoDbClient dynamoDb;
    private KmsClient kms;
    /** Every cipher handed out, so a restore can make them forget their data keys; guarded by {@code this}. */
    private final List<EnvelopeSecretCipher> ciphers = new ArrayList<>();

    public Wiring(MfaConfiguration configuration, Clock clock, SecureRandom random) {
        this(configuration, clock, random, null, null);
    }

    /** With clients built elsewhere (tests share them between handlers). */
    public Wiring(MfaConfiguration configuration, Clock clock, SecureRandom random, DynamoDbClient dynamoDb, KmsClient kms) {
        this.configuration = configuration;
        this.clock = clock;
        this.random = random;
        this.dynamoDb = dynamoDb;
        this.kms = kms;
    }

    /** Lambda's way: the process environment, the system clock, a fresh SecureRandom. */
    public static Wiring fromEnvironment(Map<String, String> environment) {
        return new Wiring(MfaConfiguration.fromEnvironment(environment), Clock.systemUTC(), new SecureRandom());
    }

    public MfaConfiguration configuration() {
        return configuration;
    }

    public MfaPolicy policy() {
        return configuration.policy();
    }

    public Clock clock() {
        return clock;
    }

    public SecureRandom random() {
        return random;
    }

    /**
     * After a SnapStart restore (each function's CRaC hook calls this): mixes entropy drawn after
     * the restore into the one SecureRandom every TOTP secret, recovery code, salt, audit suffix
     * and idempotency token comes from. Lambda resumes many execution environments from one
     * snapshot, and state captured in it, entropy included, is no longer unique in them (AWS Lambda
     * Developer Guide, "Handling uniqueness with Lambda SnapStart"); without this, environments
     * restored from one snapshot whose generator keeps its state in memory would hand out the same
     * secrets.
     *
     * <p>On Lambda the default SecureRandom (NativePRNG) already mixes /dev/urandom into every
     * output, and that guide names java.security.SecureRandom and /dev/urandom among the generators
     * that stay unique; the reseed makes it hold for whatever instance was injected (a DRBG or
     * SHA1PRNG keeps its whole state in the heap, so in the snapshot). {@code setSeed} "supplements,
     * rather than replaces, the existing seed. Thus, repeated calls are guaranteed never to reduce
     * randomness" (java.security.SecureRandom#setSeed javadoc): calling it when the state was
     * already fresh costs nothing. The entropy comes from a SecureRandom created here, after the
     * restore, which the operating system seeds; it is never one kept from before the snapshot.
     */
    public void afterRestore() {
        byte[] entropy = new byte[RESTORE_ENTROPY_BYTES];
        new SecureRandom().nextBytes(entropy);
        random.setSeed(entropy);
        Arrays.fill(entropy, (byte) 0);
        // A data key taken before the snapshot (setup's priming seals a secret) would be shared by
        // every container restored from it, each counting its uses alone.
        synchronized (this) {
            ciphers.forEach(EnvelopeSecretCipher::forgetDataKeys);
        }
    }

    public synchronized EnrollmentStore store() {
        if (dynamoDb == null) {
            dynamoDb = AwsClients.dynamoDb(configuration);
        }
        return new DynamoDbEnrollmentStore(dynamoDb, configuration.tableName(), clock, random, configuration.auditRetention());
    }

    /** The audit trail's reader (its items are written by the store, in the state change's transaction). */
    public synchronized AuditTrail auditTrail() {
        if (dynamoDb == null) {
            dynamoDb = AwsClients.dynamoDb(configuration);
        }
        return new DynamoDbAuditTrail(dynamoDb, configuration.tableName());
    }

    /** The adoption counts' reader (the store keeps them, in each state change's transaction). */
    public synchronized AdoptionStatistics adoptionStatistics() {
        if (dynamoDb == null) {
            dynamoDb = AwsClients.dynamoDb(configuration);
        }
        return new AdoptionCounters(dynamoDb, configuration.tableName());
    }

    public synchronized AdoptionReconciliation reconciliation() {
        if (dynamoDb == null) {
            dynamoDb = AwsClients.dynamoDb(configuration);
        }
        return new AdoptionReconciliation(dynamoDb, configuration.tableName());
    }

    /** The secrets' cipher: one per function, so its data key cache lives as long as the container. */
    public synchronized EnvelopeSecretCipher cipher() {
        String keyId = configuration.requireKmsKeyId();
        if (kms == null) {
            kms = AwsClients.kms(configuration);
        }
        EnvelopeSecretCipher cipher = new EnvelopeSecretCipher(kms, keyId, configuration.dataKeyCaching(), clock, random);
        ciphers.add(cipher);
        return cipher;
    }

    /** Whether a KMS client was built: a function that never touches a secret must not build one. */
    public synchronized boolean builtKmsClient() {
        return kms != null;
    }

    public TotpVerifier verifier() {
        return new TotpVerifier(new TotpGenerator(policy().totp()), policy().window());
    }

    /** The retries, lock and failure counting of the use cases that write {@code store}, on this policy and clock. */
    public Attempts attempts(EnrollmentStore store) {
        return new Attempts(store, policy(), clock);
    }

    /** The TOTP check of the use cases that take a code: decrypts with {@code decryptor}, no KMS client otherwise. */
    public CodeCheck codeCheck(EnrollmentStore store, SecretDecryptor decryptor) {
        return new CodeCheck(attempts(store), decryptor, verifier());
    }

    public RecoveryCodeIssuer recoveryCodes() {
        return new RecoveryCodeIssuer(new RecoveryCodeGenerator(random), new RecoveryCodeHasher(random));
    }
}
