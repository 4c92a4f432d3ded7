package io.serverlessmfa.core.qr;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Renders text, typically an {@code otpauth://} key URI, as a QR code PNG image or {@code data:} URI that a
 * browser can show directly in an {@code <img>} element.
 *
 * <p>The content usually contains a TOTP secret, so it never appears in an exception message.
 *
 * <p>Thread-safety: instances are immutable and safe to share between threads; each call uses its own zxing
 * writer and encoder state.
 */
public final class QrCodeRenderer {

    /**
     * ISO/IEC 18004 requires a quiet zone of 4 modules around a QR code; scanners locate the finder patterns
     * against it, so the border is not optional decoration.
     */
    private static final int QUIET_ZONE_MODULES = 4;

    private static final int MIN_PIXELS_PER_MODULE = 1;
    private static final int MAX_PIXELS_PER_MODULE = 32;

    private static final String DATA_URI_PREFIX = "data:image/png;base64,";

    /**
     * Error correction M recovers about 15 % of damaged codewords: enough for a photographed screen, while a long
     * key URI still fits a version a phone camera reads easily. zxing's own margin is switched off because
     * {@link PngEncoder} draws the quiet zone. A key URI is ASCII after percent-encoding and is encoded without
     * an ECI designator, which some older authenticator scanners do not understand; other text is encoded as
     * UTF-8 with an ECI designator.
     */
    private static final Map<EncodeHintType, Object> ASCII_HINTS = Map.of(
            EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M,
            EncodeHintType.MARGIN, 0);
    private static final Map<EncodeHintType, Object> UTF8_HINTS = Map.of(
            EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M,
            EncodeHintType.MARGIN, 0,
            EncodeHintType.CHARACTER_SET, StandardCharsets.UTF_8.name());

    private final int pixelsPerModule;

    /**
     * @param pixelsPerModule the side of one module in pixels, 1 to 32 (6 gives a QR code of roughly 200 to 300
     *                        pixels for a typical key URI)
     * @throws IllegalArgumentException if {@code pixelsPerModule} is out of range
     */
    public QrCodeRenderer(int pixelsPerModule) {
        if (pixelsPerModule < MIN_PIXELS_PER_MODULE || pixelsPerModule > MAX_PIXELS_PER_MODULE) {
            throw new IllegalArgumentException("pixelsPerModule must be between " + MIN_PIXELS_PER_MODULE
                    + " and " + MAX_PIXELS_PER_MODULE + " but was " + pixelsPerModule);
        }
        this.pixelsPerModule = pixelsPerModule;
    }

    /**
     * Renders the content as a QR code PNG with a 4-module quiet zone.
     *
     * @param content the text to encode; must not be null or empty
     * @return the bytes of a PNG file
     * @throws IllegalArgumentException if the content is null, empty, too long for a QR code at error
     *                                  correction level M, or its image would be wider than 4096 pixels
     */
    public byte[] renderPng(String content) {
        if (content == null || content.isEmpty()) {
            throw new IllegalArgumentException("content must not be null or empty");
        }
        BitMatrix matrix;
        try {
            // QRCodeWriter keeps no state, but a new one per call makes thread-safety independent of zxing's.
            // Width and height 0 ask for the natural size: one matrix cell per module, scaled by PngEncoder.
            matrix = new QRCodeWriter().encode(content, BarcodeFormat.QR_CODE, 0, 0,
                    StandardCharsets.US_ASCII.newEncoder().canEncode(content) ? ASCII_HINTS : UTF8_HINTS);
        } catch (WriterException e) {
            // zxing only throws this when the data exceeds version 40; the content itself is deliberately not
            // quoted because it usually holds a secret.
            throw new IllegalArgumentException("content of " + content.length()
                    + " characters is too long for a QR code at error correction level M", e);
        }
        return PngEncoder.encode(matrix, QUIET_ZONE_MODULES, pixelsPerModule);
    }

    /**
     * Renders the content as a {@code data:image/png;base64,...} URI (RFC 2397) with standard Base64 (RFC 4648 §4).
     *
     * @param content the text to encode; must not be null or empty
     * @return the data URI
     * @throws IllegalArgumentException as {@link #renderPng(String)}
     */
    public String renderDataUri(String content) {
        return DATA_URI_PREFIX + Base64.getEncoder().encodeToString(renderPng(content));
    }

    @Override
    public String toString() {
        return "QrCodeRenderer[pixelsPerModule=" + pixelsPerModule + "]";
    }
}
