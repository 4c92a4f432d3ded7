package io.serverlessmfa.functions.config;

import io.serverlessmfa.core.adoption.AdoptionStatistics;
import io.serverlessmfa.core.audit.AuditTrail;
import io.serverlessmfa.core.enrollment.Attempts;
import io.serverlessmfa.core.enrollment.CodeCheck;
import io.serverlessmfa.core.enrollment.EnrollmentStore;
import io.serverlessmfa.core.enrollment.FreshSignIn;
import io.serverlessmfa.core.enrollment.MfaPolicy;
import io.serverlessmfa.core.enrollment.RecoveryCodeIssuer;
import io.serverlessmfa.core.port.SecretDecryptor;
import io.serverlessmfa.core.publish.PublishSecurityEvents;
import io.serverlessmfa.core.recovery.RecoveryCodeGenerator;
import io.serverlessmfa.core.recovery.RecoveryCodeHasher;
import io.serverlessmfa.core.token.MfaTokenIssuer;
import io.serverlessmfa.core.token.StepUp;
import io.serverlessmfa.core.totp.TotpGenerator;
import io.serverlessmfa.core.totp.TotpVerifier;
import io.serverlessmfa.functions.bus.EventBridgeSecurityEventBus;
import io.serverlessmfa.functions.crypto.EnvelopeSecretCipher;
import io.serverlessmfa.functions.crypto.SealedRecoveryCodeKey;
import io.serverlessmfa.functions.store.AdoptionCounters;
import io.serverlessmfa.functions.store.AdoptionReconciliation;
import io.serverlessmfa.functions.store.DynamoDbAuditTrail;
import io.serverlessmfa.functions.store.DynamoDbEnrollmentStore;
import io.serverlessmfa.functions.store.RecoveryHashUpgrade;
import io.serverlessmfa.functions.token.SigningKeyRing;
import io.serverlessmfa.functions.token.SigningKeyRotation;
import io.serverlessmfa.functions.token.SigningKeySealer;
import io.serverlessmfa.functions.token.SigningKeyTable;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
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
    private EventBridgeClient eventBridge;
    /** Every cipher handed out, so a restore can make them forget their data keys; guarded by {@code this}. */
    private final List<EnvelopeSecretCipher> ciphers = new ArrayList<>();
    /** The container's token signing keys (one ring, so the private key is unsealed once); guarded by {@code this}. */
    private SigningKeyRing signingKeys;
    /** The public keys only, for a function that checks tokens but never signs; guarded by {@code this}. */
    private SigningKeyRing publishedKeys;
    /** The recovery-code hashes' key (one per container, so it is unsealed once); guarded by {@code this}. */
    private SealedRecoveryCodeKey recoveryCodeKey;

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
     * Before SnapStart takes the snapshot (each function's CRaC hook calls this, after priming):
     * no unsealed signing key or recovery-code key may be in it. None is, by design (priming signs
     * and hashes with throwaway keys; a function unseals its keys for its first real use); this
     * makes sure of it.
     */
    public synchronized void beforeCheckpoint() {
        if (signingKeys != null) {
            signingKeys.forgetUnsealed();
        }
        if (recoveryCodeKey != null) {
            recoveryCodeKey.forget();
        }
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
        return new DynamoDbEnrollmentStore(dynamoDb(), configuration.tableName(), clock, random, configuration.auditRetention());
    }

    /** The audit trail's reader (its items are written by the store, in the state change's transaction). */
    public synchronized AuditTrail auditTrail() {
        return new DynamoDbAuditTrail(dynamoDb(), configuration.tableName());
    }

    /** The adoption counts' reader (the store keeps them, in each state change's transaction). */
    public synchronized AdoptionStatistics adoptionStatistics() {
        return new AdoptionCounters(dynamoDb(), configuration.tableName());
    }

    /** The one-time keying of the recovery hashes earlier releases stored (at deployment). */
    public synchronized RecoveryHashUpgrade recoveryHashUpgrade() {
        return new RecoveryHashUpgrade(dynamoDb(), configuration.tableName(), new RecoveryCodeHasher(random, recoveryCodeKey()));
    }

    public synchronized AdoptionReconciliation reconciliation() {
        return new AdoptionReconciliation(dynamoDb(), configuration.tableName());
    }

    /** The secrets' cipher: one per function, so its data key cache lives as long as the container. */
    public synchronized EnvelopeSecretCipher cipher() {
        String keyId = configuration.requireKmsKeyId();
        EnvelopeSecretCipher cipher = new EnvelopeSecretCipher(kms(), keyId, configuration.dataKeyCaching(), clock, random);
        ciphers.add(cipher);
        return cipher;
    }

    /** The one DynamoDB client, built at first use. */
    private synchronized DynamoDbClient dynamoDb() {
        if (dynamoDb == null) {
            dynamoDb = AwsClients.dynamoDb(configuration);
        }
        return dynamoDb;
    }

    /** With an EventBridge client built elsewhere (tests: one that fails or refuses on purpose). */
    public synchronized Wiring withEventBridge(EventBridgeClient client) {
        this.eventBridge = client;
        return this;
    }

    /**
     * The security events' publisher (the stream function): the EventBridge bus of
     * {@code MFA_EVENT_BUS_NAME}. Only that function builds an EventBridge client.
     */
    public synchronized PublishSecurityEvents securityEventPublisher() {
        if (eventBridge == null) {
            eventBridge = AwsClients.eventBridge(configuration);
        }
        return new PublishSecurityEvents(new EventBridgeSecurityEventBus(eventBridge, configuration.eventBusName()));
    }

    /** The one KMS client, built at first use: a function that never needs the key service never builds it. */
    private synchronized KmsClient kms() {
        if (kms == null) {
            kms = AwsClients.kms(configuration);
        }
        return kms;
    }

    /** Whether a KMS client was built: a function that never touches a secret must not build one. */
    public synchronized boolean builtKmsClient() {
        return kms != null;
    }

    /** The token signing keys of a function that signs: unsealed with KMS, made if there is none yet. */
    public synchronized SigningKeyRing signingKeys() {
        if (signingKeys == null) {
            signingKeys = new SigningKeyRing(signingKeyTable(), signingKeySealer(), rotation(), clock, random);
        }
        return signingKeys;
    }

    /** The published public keys, for checking tokens: no KMS client. */
    public synchronized SigningKeyRing publishedKeys() {
        if (publishedKeys == null) {
            publishedKeys = new SigningKeyRing(signingKeyTable(), null, null, clock, random);
        }
        return publishedKeys;
    }

    /** SnapStart priming: one ES256 signature and its check with a throwaway key (no real key, no call). */
    public void warmUpTokenSigning() {
        SigningKeyRing.warmUp(random);
    }

    /** Makes the next signing key and deletes the expired ones (the rotation function). */
    public synchronized SigningKeyRotation rotation() {
        return new SigningKeyRotation(signingKeyTable(), signingKeySealer(), random, configuration.tokens().publishedAhead());
    }

    /** Issues the MFA tokens of confirm, verify and recover. */
    public MfaTokenIssuer tokenIssuer() {
        return new MfaTokenIssuer(signingKeys(), configuration.tokens().settings(), random);
    }

    /** The operator's step-up on the helpdesk's routes. */
    public StepUp stepUp() {
        return new StepUp(publishedKeys(), configuration.tokens().settings().audience(), clock);
    }

    /** The fresh sign-in that setup, regenerating the recovery codes and removal need. */
    public FreshSignIn freshSignIn() {
        return new FreshSignIn(configuration.reauthenticationAge(), clock);
    }

    private synchronized SigningKeyTable signingKeyTable() {
        return new SigningKeyTable(dynamoDb(), configuration.tableName());
    }

    private synchronized SigningKeySealer signingKeySealer() {
        String keyId = configuration.requireKmsKeyId();
        return new SigningKeySealer(kms(), keyId);
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

    /** Issues and checks recovery codes, hashed under the key unsealed through KMS at first use. */
    public synchronized RecoveryCodeIssuer recoveryCodes() {
        return new RecoveryCodeIssuer(new RecoveryCodeGenerator(random), new RecoveryCodeHasher(random, recoveryCodeKey()));
    }

    /** The recovery-code hashes' key: sealed in the table, unsealed once per container (made if there is none yet). */
    public synchronized SealedRecoveryCodeKey recoveryCodeKey() {
        if (recoveryCodeKey == null) {
            recoveryCodeKey = new SealedRecoveryCodeKey(dynamoDb(), configuration.tableName(), kms(),
                    configuration.requireKmsKeyId(), clock);
        }
        return recoveryCodeKey;
    }

    /**
     * SnapStart priming: issues and checks one recovery code under a throwaway key and drops both
     * (the generator, Base32, SHA-256 and HMAC), with no call: the real key is not unsealed before
     * the snapshot, which every environment restored from it would share.
     */
    public void warmUpRecoveryCodes(String primingUserId) {
        byte[] throwaway = new byte[32];
        random.nextBytes(throwaway);
        SecretKey key = new SecretKeySpec(throwaway, "HmacSHA256");
        Arrays.fill(throwaway, (byte) 0);
        RecoveryCodeHasher hasher = new RecoveryCodeHasher(random, () -> key);
        RecoveryCodeIssuer.Issued issued = new RecoveryCodeIssuer(new RecoveryCodeGenerator(random), hasher)
                .issue(primingUserId, 1);
        hasher.findMatch(primingUserId, issued.codes().get(0), issued.hashes());
    }
}
