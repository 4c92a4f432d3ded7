package io.serverlessmfa.core.qr;

import com.google.zxing.common.BitMatrix;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes a {@link BitMatrix} as a black-and-white PNG image using only {@code java.util.zip}: the JDK's desktop
 * imaging classes would lengthen the Lambda cold start and are not needed for a two-colour image.
 *
 * <p>The image is a 1-bit greyscale PNG (RFC 2083 / PNG specification): a set module is a black pixel, an unset
 * module and the quiet zone are white. Each module becomes a square of {@code pixelsPerModule} pixels.
 *
 * <p>Thread-safety: this class is stateless and its only method is safe to call from any number of threads at once.
 */
public final class PngEncoder {

    /** Smallest accepted scale: one pixel per module. */
    private static final int MIN_PIXELS_PER_MODULE = 1;
    /** Largest accepted scale; larger images only waste bytes in an API response. */
    private static final int MAX_PIXELS_PER_MODULE = 32;
    /** Smallest accepted quiet zone, in modules (a caller may draw its own border). */
    private static final int MIN_QUIET_ZONE_MODULES = 0;
    /** Largest accepted quiet zone, in modules. */
    private static final int MAX_QUIET_ZONE_MODULES = 16;
    /** Largest accepted width or height of the image, in pixels; bounds memory and response size. */
    private static final int MAX_IMAGE_SIDE_PIXELS = 4096;

    /** RFC 2083 §3.1: the eight bytes every PNG file starts with. */
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    /** RFC 2083 §3.2: 4 bytes length + 4 bytes type + 4 bytes CRC around the data of every chunk. */
    private static final int CHUNK_OVERHEAD = 12;

    /** RFC 2083 §4.1.1: width, height, bit depth, colour type, compression, filter and interlace method. */
    private static final int IHDR_LENGTH = 13;

    /** RFC 2083 §4.1.1: one bit per pixel is allowed only for greyscale (colour type 0). */
    private static final byte BIT_DEPTH = 1;
    private static final byte COLOUR_TYPE_GREYSCALE = 0;
    /** RFC 2083 §4.1.1: 0 is the only defined compression method (zlib deflate, §5). */
    private static final byte COMPRESSION_METHOD_DEFLATE = 0;
    /** RFC 2083 §4.1.1: 0 is the only defined filter method (adaptive filtering with five filter types, §6). */
    private static final byte FILTER_METHOD_ADAPTIVE = 0;
    /** RFC 2083 §4.1.1: 0 means no interlace; Adam7 would only make a small image larger. */
    private static final byte INTERLACE_NONE = 0;
    /** RFC 2083 §6.2: filter type 0 (None); deflate already compresses the long runs of equal bytes well. */
    private static final byte FILTER_TYPE_NONE = 0;

    private PngEncoder() {
    }

    /**
     * Encodes the matrix as a PNG image.
     *
     * @param matrix           the modules; a set bit is drawn black
     * @param quietZoneModules the white border around the matrix, in modules (0 to 16);
     *                         ISO/IEC 18004 asks for 4 around a QR code
     * @param pixelsPerModule  the side of one module in pixels (1 to 32)
     * @return the bytes of a complete PNG file: signature, IHDR, one IDAT and IEND
     * @throws IllegalArgumentException if the matrix is null, an argument is out of range or the image would be
     *                                  wider or taller than 4096 pixels
     */
    public static byte[] encode(BitMatrix matrix, int quietZoneModules, int pixelsPerModule) {
        if (matrix == null) {
            throw new IllegalArgumentException("matrix must not be null");
        }
        if (pixelsPerModule < MIN_PIXELS_PER_MODULE || pixelsPerModule > MAX_PIXELS_PER_MODULE) {
            throw new IllegalArgumentException("pixelsPerModule must be between " + MIN_PIXELS_PER_MODULE
                    + " and " + MAX_PIXELS_PER_MODULE + " but was " + pixelsPerModule);
        }
        if (quietZoneModules < MIN_QUIET_ZONE_MODULES || quietZoneModules > MAX_QUIET_ZONE_MODULES) {
            throw new IllegalArgumentException("quietZoneModules must be between " + MIN_QUIET_ZONE_MODULES
                    + " and " + MAX_QUIET_ZONE_MODULES + " but was " + quietZoneModules);
        }
        // long arithmetic: a huge matrix must be rejected, not overflow into a small positive number.
        long widthPixels = ((long) matrix.getWidth() + 2L * quietZoneModules) * pixelsPerModule;
        long heightPixels = ((long) matrix.getHeight() + 2L * quietZoneModules) * pixelsPerModule;
        if (widthPixels > MAX_IMAGE_SIDE_PIXELS || heightPixels > MAX_IMAGE_SIDE_PIXELS) {
            throw new IllegalArgumentException("image would be " + widthPixels + "x" + heightPixels
                    + " pixels; width and height must not exceed " + MAX_IMAGE_SIDE_PIXELS);
        }

        int width = (int) widthPixels;
        int height = (int) heightPixels;
        byte[] imageData = deflate(scanlines(matrix, quietZoneModules, pixelsPerModule, width, height));

        ByteBuffer header = ByteBuffer.allocate(IHDR_LENGTH); // big-endian, as RFC 2083 §2.1 requires
        header.putInt(width)
                .putInt(height)
                .put(BIT_DEPTH)
                .put(COLOUR_TYPE_GREYSCALE)
                .put(COMPRESSION_METHOD_DEFLATE)
                .put(FILTER_METHOD_ADAPTIVE)
                .put(INTERLACE_NONE);

        ByteBuffer png = ByteBuffer.allocate(SIGNATURE.length
                + CHUNK_OVERHEAD + IHDR_LENGTH
                + CHUNK_OVERHEAD + imageData.length
                + CHUNK_OVERHEAD);
        png.put(SIGNATURE);
        writeChunk(png, "IHDR", header.array());
        // RFC 2083 §4.1.3: one IDAT is enough; splitting the stream into several chunks is optional.
        writeChunk(png, "IDAT", imageData);
        writeChunk(png, "IEND", new byte[0]);
        return png.array();
    }

    /**
     * Builds the filtered, uncompressed image: per RFC 2083 §2.3 and §6 every scanline is one filter-type byte
     * followed by the pixels packed most significant bit first, and starts on a byte boundary.
     */
    private static byte[] scanlines(BitMatrix matrix, int quietZoneModules, int pixelsPerModule,
                                    int width, int height) {
        int bytesPerScanline = 1 + (width + 7) / 8;
        byte[] raw = new byte[bytesPerScanline * height];

        // Every scanline of one module row is identical, so each module row is packed once and then copied.
        byte[] whiteScanline = packRow(matrix, -1, quietZoneModules, pixelsPerModule, width, bytesPerScanline);
        int quietZonePixels = quietZoneModules * pixelsPerModule;
        int matrixPixels = matrix.getHeight() * pixelsPerModule;
        for (int y = 0; y < height; y++) {
            int offset = y * bytesPerScanline;
            int matrixY = y - quietZonePixels;
            if (matrixY < 0 || matrixY >= matrixPixels) {
                System.arraycopy(whiteScanline, 0, raw, offset, bytesPerScanline);
            } else if (matrixY % pixelsPerModule == 0) {
                byte[] scanline = packRow(matrix, matrixY / pixelsPerModule, quietZoneModules, pixelsPerModule,
                        width, bytesPerScanline);
                System.arraycopy(scanline, 0, raw, offset, bytesPerScanline);
            } else {
                System.arraycopy(raw, offset - bytesPerScanline, raw, offset, bytesPerScanline);
            }
        }
        return raw;
    }

    /**
     * Packs one scanline. {@code moduleY < 0} yields an all-white scanline. In 1-bit greyscale 0 is black and 1 is
     * white (RFC 2083 §2.2), so only the bits of white pixels are set.
     */
    private static byte[] packRow(BitMatrix matrix, int moduleY, int quietZoneModules, int pixelsPerModule,
                                  int width, int bytesPerScanline) {
        byte[] row = new byte[bytesPerScanline];
        row[0] = FILTER_TYPE_NONE;
        for (int x = 0; x < width; x++) {
            int moduleX = x / pixelsPerModule - quietZoneModules;
            boolean black = moduleY >= 0
                    && moduleX >= 0 && moduleX < matrix.getWidth()
                    && matrix.get(moduleX, moduleY);
            if (!black) {
                row[1 + (x >>> 3)] |= (byte) (0x80 >>> (x & 7));
            }
        }
        // The low-order bits after the last pixel are unused and their content is unspecified (RFC 2083 §2.3);
        // they stay 0.
        return row;
    }

    /** RFC 2083 §5: IDAT carries a zlib (RFC 1950) stream, which {@link Deflater} writes when nowrap is false. */
    private static byte[] deflate(byte[] raw) {
        // zlib's default level: a third of BEST_COMPRESSION's CPU for a PNG a few bytes larger
        // (functions/microbench, docs/performance.md).
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, false);
        try {
            deflater.setInput(raw);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, raw.length / 8));
            byte[] buffer = new byte[8192];
            while (!deflater.finished()) {
                int count = deflater.deflate(buffer);
                out.write(buffer, 0, count);
            }
            return out.toByteArray();
        } finally {
            // Releases the native zlib memory now instead of at some later garbage collection.
            deflater.end();
        }
    }

    /** RFC 2083 §3.2: length, type, data, then the CRC-32 (§3.4) over type and data but not the length. */
    private static void writeChunk(ByteBuffer png, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        png.putInt(data.length);
        png.put(typeBytes);
        png.put(data);
        png.putInt((int) crc.getValue());
    }
}
