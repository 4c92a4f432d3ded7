package io.serverlessmfa.microbench;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.client.j2se.MatrixToImageWriter;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.warrenstrange.googleauth.GoogleAuthenticator;
import com.warrenstrange.googleauth.GoogleAuthenticatorKey;
import com.warrenstrange.googleauth.GoogleAuthenticatorQRGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.Map;
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
 * googleauth (com.warrenstrange 1.5.0) with its defaults, which are our parameters (HmacSHA1, 6 digits, 30 s, a
 * window of 3 steps, 160-bit secrets). Its createCredentials also makes 5 scratch codes (unhashed) and a
 * verification code. It renders no image: its URL is drawn the usual way, zxing's QRCodeWriter (error correction
 * M, as ours) and MatrixToImageWriter (AWT + ImageIO), at our QR's pixel size, as a data URI. Stateless: no
 * store, no replay protection, no confirm step.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GoogleAuth {

    private static final Map<EncodeHintType, Object> HINTS = Map.of(
            EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M);
    private final long nowMillis = Fixtures.NOW.toEpochMilli();
    private GoogleAuthenticator authenticator;
    private String secret;
    private int code;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        authenticator = new GoogleAuthenticator();
        secret = authenticator.createCredentials().getKey();
        code = authenticator.getTotpPassword(secret, nowMillis);

        Started started = setup();
        Fixtures.checkQr(started.dataUri(), started.url());
        Fixtures.check(Fixtures.width(Fixtures.png(started.dataUri())) == Fixtures.QR_PIXELS, "googleauth QR size");
        Fixtures.check(verify(), "verify accepts the code");
    }

    /** What a setup returns (JMH consumes the returned value, so none of it can be optimised away). */
    public record Started(GoogleAuthenticatorKey key, String url, String dataUri) {
    }

    @Benchmark
    public Started setup() throws WriterException, IOException {
        GoogleAuthenticatorKey key = authenticator.createCredentials();
        String url = GoogleAuthenticatorQRGenerator.getOtpAuthTotpURL(Fixtures.ISSUER, Fixtures.ACCOUNT, key);
        return new Started(key, url, dataUri(url));
    }

    private static String dataUri(String url) throws WriterException, IOException {
        BitMatrix matrix = new QRCodeWriter().encode(url, BarcodeFormat.QR_CODE, Fixtures.QR_PIXELS,
                Fixtures.QR_PIXELS, HINTS);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        MatrixToImageWriter.writeToStream(matrix, "PNG", png);
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray());
    }

    @Benchmark
    public boolean verify() {
        if (!authenticator.authorize(secret, code, nowMillis)) {
            throw new IllegalStateException("code refused");
        }
        return true;
    }
}
