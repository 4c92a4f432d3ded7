package io.serverlessmfa.microbench;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import io.serverlessmfa.core.qr.QrCodeRenderer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import javax.imageio.ImageIO;

/** What all three implementations are given: the same issuer, account, time and QR image size. */
final class Fixtures {

    static final String ISSUER = "Example";
    static final String ACCOUNT = "alice@example.com";
    static final String USER_ID = "3f2b9c1e-7d4a-4b8e-9a61-0c5d2e8f4a17";
    /** A fixed instant in the middle of a 30 s step, so no benchmark straddles a step boundary. */
    static final Instant NOW = Instant.parse("2026-01-01T00:00:10Z");
    /** SetupHandler.QR_PIXELS_PER_MODULE, what the deployed functions render with. */
    static final int OUR_PIXELS_PER_MODULE = 6;
    private static final String PNG_DATA_URI = "data:image/png;base64,";
    private static final Map<DecodeHintType, Object> PURE_BARCODE = Map.of(DecodeHintType.PURE_BARCODE, Boolean.TRUE);

    /**
     * The side of our QR image for a Key URI like the ones benchmarked; the libraries' PNGs are rendered at this
     * size too, so the three encode the same number of pixels.
     */
    static final int QR_PIXELS = width(new QrCodeRenderer(OUR_PIXELS_PER_MODULE).renderPng(
            "otpauth://totp/" + ISSUER + ":alice%40example.com?secret=ABCDEFGHIJKLMNOPQRSTUVWXYZ234567&issuer="
                    + ISSUER + "&algorithm=SHA1&digits=6&period=30"));

    private Fixtures() {
    }

    /** The width of a PNG, from its IHDR chunk. */
    static int width(byte[] png) {
        return ((png[16] & 0xff) << 24) | ((png[17] & 0xff) << 16) | ((png[18] & 0xff) << 8) | (png[19] & 0xff);
    }

    static byte[] png(String dataUri) {
        if (!dataUri.startsWith(PNG_DATA_URI)) {
            throw new IllegalStateException("not a PNG data URI");
        }
        return Base64.getDecoder().decode(dataUri.substring(PNG_DATA_URI.length()));
    }

    /**
     * Fails unless the data URI is a PNG whose QR code reads back as {@code expected}. The images are synthetic, so
     * zxing's reader is told so (PURE_BARCODE): its finder-pattern detector, made for photographs, misses about 1 in
     * 70 perfect renderings of these URIs (ours and zxing's own MatrixToImageWriter alike; zbarimg reads them all).
     */
    static void checkQr(String dataUri, String expected) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png(dataUri)));
            String text = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(
                    new BufferedImageLuminanceSource(image))), PURE_BARCODE).getText();
            if (!text.equals(expected)) {
                throw new IllegalStateException("QR code reads back as another text");
            }
        } catch (IOException | com.google.zxing.ReaderException e) {
            throw new IllegalStateException("QR code does not read back", e);
        }
    }

    static void check(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException("sanity check failed: " + what);
        }
    }
}
