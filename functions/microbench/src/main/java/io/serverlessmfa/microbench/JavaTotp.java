package io.serverlessmfa.microbench;

import dev.samstevens.totp.code.CodeVerifier;
import dev.samstevens.totp.code.DefaultCodeGenerator;
import dev.samstevens.totp.code.DefaultCodeVerifier;
import dev.samstevens.totp.code.HashingAlgorithm;
import dev.samstevens.totp.exceptions.CodeGenerationException;
import dev.samstevens.totp.exceptions.QrGenerationException;
import dev.samstevens.totp.qr.QrData;
import dev.samstevens.totp.qr.ZxingPngQrGenerator;
import dev.samstevens.totp.recovery.RecoveryCodeGenerator;
import dev.samstevens.totp.secret.DefaultSecretGenerator;
import dev.samstevens.totp.secret.SecretGenerator;
import dev.samstevens.totp.util.Utils;
import io.serverlessmfa.core.enrollment.MfaPolicy;
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
 * java-totp (dev.samstevens.totp 1.7.1) the way its README uses it, with our parameters (SHA-1, 6 digits, 30 s,
 * ±1 step, its default) and the image at our QR's pixel size (its default is 350 x 350). Stateless: it has no
 * store, no replay protection and no confirm step; "confirm" is a verification plus recovery codes from its
 * RecoveryCodeGenerator, as many as ours issues, which it does not hash.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class JavaTotp {

    private final int recoveryCodeCount = MfaPolicy.defaults(Fixtures.ISSUER).recoveryCodeCount();
    private SecretGenerator secrets;
    private ZxingPngQrGenerator qrGenerator;
    private CodeVerifier verifier;
    private RecoveryCodeGenerator recoveryCodes;
    private String secret;
    private String code;

    @Setup(Level.Trial)
    public void setUp() throws CodeGenerationException, QrGenerationException {
        secrets = new DefaultSecretGenerator(); // 32 Base32 characters: 160 bits, as ours
        qrGenerator = new ZxingPngQrGenerator();
        qrGenerator.setImageSize(Fixtures.QR_PIXELS);
        DefaultCodeGenerator generator = new DefaultCodeGenerator(HashingAlgorithm.SHA1, 6);
        DefaultCodeVerifier defaultVerifier = new DefaultCodeVerifier(generator, Fixtures.NOW::getEpochSecond);
        defaultVerifier.setTimePeriod(30);
        defaultVerifier.setAllowedTimePeriodDiscrepancy(1);
        verifier = defaultVerifier;
        recoveryCodes = new RecoveryCodeGenerator();
        secret = secrets.generate();
        code = generator.generate(secret, Fixtures.NOW.getEpochSecond() / 30);

        Started started = setup();
        Fixtures.checkQr(started.dataUri(), started.uri());
        Fixtures.check(Fixtures.width(Fixtures.png(started.dataUri())) == Fixtures.QR_PIXELS, "java-totp QR size");
        Fixtures.check(confirm().length == recoveryCodeCount, "confirm makes the recovery codes");
        Fixtures.check(verify(), "verify accepts the code");
    }

    /** What a setup returns (JMH consumes the returned value, so none of it can be optimised away). */
    public record Started(String secret, String uri, String dataUri) {
    }

    @Benchmark
    public Started setup() throws QrGenerationException {
        String newSecret = secrets.generate();
        QrData data = new QrData.Builder()
                .label(Fixtures.ACCOUNT)
                .secret(newSecret)
                .issuer(Fixtures.ISSUER)
                .algorithm(HashingAlgorithm.SHA1)
                .digits(6)
                .period(30)
                .build();
        return new Started(newSecret, data.getUri(),
                Utils.getDataUriForImage(qrGenerator.generate(data), qrGenerator.getImageMimeType()));
    }

    @Benchmark
    public String[] confirm() {
        if (!verifier.isValidCode(secret, code)) {
            throw new IllegalStateException("code refused");
        }
        return recoveryCodes.generateCodes(recoveryCodeCount);
    }

    @Benchmark
    public boolean verify() {
        if (!verifier.isValidCode(secret, code)) {
            throw new IllegalStateException("code refused");
        }
        return true;
    }
}
