package io.serverlessmfa.microbench;

import io.serverlessmfa.core.token.AuthenticationMethod;
import io.serverlessmfa.core.token.MfaTokenClaims;
import io.serverlessmfa.functions.token.KeySchedule;
import io.serverlessmfa.functions.token.SigningKeyRing;
import io.serverlessmfa.functions.token.SigningKeyRotation;
import io.serverlessmfa.functions.token.SigningKeySealer;
import io.serverlessmfa.functions.token.SigningKeyTable;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One MFA token signature alone, by the functions' own signer: {@link SigningKeyRing} (the ring a
 * function's {@code Wiring} builds), its key made, sealed and unsealed once at set-up over
 * {@link InMemoryDynamoDb} and {@link PassThroughKms}, then, per operation, what every confirm,
 * verify and recover does after its write: {@code prepare} (the key in hand, no call) and
 * {@code sign} (the header and claims written as JSON, base64url, ES256 with the JDK's
 * SHA256withECDSAinP1363Format and the function's SecureRandom). Next to it, the JDK's ES256
 * signature alone over the same signing input.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TokenSigning {

    /** Claims as verify issues them (the contract's claims; no nonce). */
    static final MfaTokenClaims CLAIMS = new MfaTokenClaims("https://mfa.example.com", Fixtures.USER_ID, "mfa-portal",
            Fixtures.NOW, Fixtures.NOW.plusSeconds(300), Fixtures.NOW, "q3Vd1c7yqJ4nS0xWm2fW8A",
            List.of(AuthenticationMethod.ONE_TIME_PASSWORD), Optional.empty());

    private SigningKeyRing ring;
    private SecureRandom random;
    private KeyPair jdkKey;
    private byte[] signingInput;

    /**
     * The functions' signer over in-memory AWS: SigningKeyTable over {@code dynamoDb}, SigningKeySealer
     * over {@code kms}, SigningKeyRotation and SigningKeyRing as {@code Wiring.signingKeys()} wires them.
     */
    static SigningKeyRing ring(SecureRandom random, Clock clock, InMemoryDynamoDb dynamoDb, PassThroughKms kms) {
        SigningKeyTable table = new SigningKeyTable(dynamoDb, "bench");
        SigningKeySealer sealer = new SigningKeySealer(kms, "alias/bench");
        SigningKeyRotation rotation = new SigningKeyRotation(table, sealer, random, KeySchedule.DEFAULT_PUBLISHED_AHEAD);
        return new SigningKeyRing(table, sealer, rotation, clock, random);
    }

    /**
     * A ring with its key made, read and unsealed (a container after its first token), checked: its
     * tokens verify with its published key, and from then on signing reads no key and unseals none.
     */
    static SigningKeyRing warmRing(SecureRandom random) {
        InMemoryDynamoDb dynamoDb = new InMemoryDynamoDb();
        PassThroughKms kms = new PassThroughKms();
        SigningKeyRing ring = ring(random, Clock.fixed(Fixtures.NOW, ZoneOffset.UTC), dynamoDb, kms);
        String first = ring.prepare(Fixtures.NOW).sign(CLAIMS);
        int reads = dynamoDb.reads();
        int decrypts = kms.decrypts();
        String second = ring.prepare(Fixtures.NOW).sign(CLAIMS);
        Fixtures.check(dynamoDb.reads() == reads && kms.decrypts() == decrypts && decrypts == 1,
                "a warm ring signs without a read or a Decrypt");
        Fixtures.check(ring.verifiedClaims(first).equals(Optional.of(CLAIMS)), "the token verifies with the published key");
        Fixtures.check(!first.equals(second), "two signatures of the same claims differ (ECDSA's random k)");
        return ring;
    }

    @Setup(Level.Trial)
    public void setUp() throws GeneralSecurityException {
        random = new SecureRandom();
        ring = warmRing(random);
        String token = token();
        signingInput = token.substring(0, token.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), random);
        jdkKey = generator.generateKeyPair();
        Fixtures.check(signature().length == 64, "an ES256 signature is R || S, 64 bytes");
    }

    /** One MFA token: SigningKeyRing.prepare (the key in hand) and sign (JSON, base64url, ES256). */
    @Benchmark
    public String token() {
        return ring.prepare(Fixtures.NOW).sign(CLAIMS);
    }

    /** The ES256 signature alone (the JDK's SunEC, P1363 format) over a token's signing input. */
    @Benchmark
    public byte[] signature() throws GeneralSecurityException {
        Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
        signature.initSign(jdkKey.getPrivate(), random);
        signature.update(signingInput);
        return signature.sign();
    }
}
