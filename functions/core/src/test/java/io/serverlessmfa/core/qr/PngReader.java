package io.serverlessmfa.core.qr;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A deliberately tiny, strict PNG reader for the tests: it understands exactly what {@link PngEncoder} is meant to
 * write (1-bit greyscale, no interlace, filter type 0) and fails loudly on anything else, so the tests need no
 * imaging library, just like the production code.
 *
 * <p>Thread-safety: instances are immutable after {@link #read(byte[])} returns.
 */
final class PngReader {

    /** RFC 2083 §3.1. */
    static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    /** One chunk as found in the file, with the CRC it carried. */
    record Chunk(String type, byte[] data, int storedCrc) {

        int computedCrc() {
            CRC32 crc = new CRC32();
            crc.update(type.getBytes(StandardCharsets.US_ASCII));
            crc.update(data);
            return (int) crc.getValue();
        }
    }

    private final List<Chunk> chunks;
    private final int width;
    private final int height;
    private final int bitDepth;
    private final int colourType;
    private final int compressionMethod;
    private final int filterMethod;
    private final int interlaceMethod;
    /** One value per pixel, row by row: 0 is black and 1 is white. */
    private final byte[] pixels;

    private PngReader(List<Chunk> chunks, ByteBuffer header, byte[] pixels) {
        this.chunks = List.copyOf(chunks);
        this.width = header.getInt(0);
        this.height = header.getInt(4);
        this.bitDepth = header.get(8) & 0xFF;
        this.colourType = header.get(9) & 0xFF;
        this.compressionMethod = header.get(10) & 0xFF;
        this.filterMethod = header.get(11) & 0xFF;
        this.interlaceMethod = header.get(12) & 0xFF;
        this.pixels = pixels;
    }

    /** Splits a PNG into its chunks, checking the signature, every length and every CRC (RFC 2083 §3.2, §3.4). */
    static List<Chunk> chunks(byte[] png) {
        if (png.length < SIGNATURE.length
                || !Arrays.equals(Arrays.copyOf(png, SIGNATURE.length), SIGNATURE)) {
            throw new IllegalStateException("missing PNG signature");
        }
        ByteBuffer buffer = ByteBuffer.wrap(png, SIGNATURE.length, png.length - SIGNATURE.length);
        List<Chunk> chunks = new ArrayList<>();
        while (buffer.hasRemaining()) {
            if (buffer.remaining() < 12) {
                throw new IllegalStateException("truncated chunk header at offset " + buffer.position());
            }
            int length = buffer.getInt();
            if (length < 0 || length > buffer.remaining() - 8) {
                throw new IllegalStateException("chunk length " + length + " runs past the end of the file");
            }
            byte[] typeBytes = new byte[4];
            buffer.get(typeBytes);
            byte[] data = new byte[length];
            buffer.get(data);
            Chunk chunk = new Chunk(new String(typeBytes, StandardCharsets.US_ASCII), data, buffer.getInt());
            if (chunk.storedCrc() != chunk.computedCrc()) {
                throw new IllegalStateException("CRC mismatch in chunk " + chunk.type());
            }
            chunks.add(chunk);
            if (chunk.type().equals("IEND") && buffer.hasRemaining()) {
                throw new IllegalStateException("data after IEND");
            }
        }
        return chunks;
    }

    /** Reads and fully decodes a PNG written by {@link PngEncoder}. */
    static PngReader read(byte[] png) {
        List<Chunk> chunks = chunks(png);
        if (chunks.isEmpty() || !chunks.get(0).type().equals("IHDR") || chunks.get(0).data().length != 13) {
            throw new IllegalStateException("first chunk must be a 13-byte IHDR (RFC 2083 §4.1.1)");
        }
        if (!chunks.get(chunks.size() - 1).type().equals("IEND") || chunks.get(chunks.size() - 1).data().length != 0) {
            throw new IllegalStateException("last chunk must be an empty IEND (RFC 2083 §4.1.4)");
        }
        ByteBuffer header = ByteBuffer.wrap(chunks.get(0).data());
        int width = header.getInt(0);
        int height = header.getInt(4);
        if (width <= 0 || height <= 0) {
            throw new IllegalStateException("width and height must be positive");
        }
        if (header.get(8) != 1 || header.get(9) != 0 || header.get(10) != 0 || header.get(11) != 0
                || header.get(12) != 0) {
            throw new IllegalStateException("this reader only reads 1-bit greyscale, deflate, non-interlaced PNGs");
        }

        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        for (Chunk chunk : chunks) {
            if (chunk.type().equals("IDAT")) {
                compressed.writeBytes(chunk.data());
            }
        }
        int bytesPerScanline = 1 + (width + 7) / 8;
        byte[] raw = inflate(compressed.toByteArray(), bytesPerScanline * height);

        byte[] pixels = new byte[width * height];
        for (int y = 0; y < height; y++) {
            int offset = y * bytesPerScanline;
            if (raw[offset] != 0) {
                throw new IllegalStateException("scanline " + y + " uses filter type " + raw[offset]
                        + " instead of 0 (None)");
            }
            for (int x = 0; x < width; x++) {
                int packed = raw[offset + 1 + x / 8] & 0xFF;
                pixels[y * width + x] = (byte) ((packed >>> (7 - x % 8)) & 1);
            }
        }
        return new PngReader(chunks, header, pixels);
    }

    private static byte[] inflate(byte[] zlibStream, int expectedLength) {
        Inflater inflater = new Inflater(false);
        try {
            inflater.setInput(zlibStream);
            // One spare byte: filling it proves the stream holds more data than the header allows.
            byte[] raw = new byte[expectedLength + 1];
            int total = 0;
            while (!inflater.finished()) {
                int count = inflater.inflate(raw, total, raw.length - total);
                total += count;
                if (total == raw.length) {
                    throw new IllegalStateException("image data longer than " + expectedLength + " bytes");
                }
                if (count == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IllegalStateException("truncated zlib stream after " + total + " bytes");
                }
            }
            if (total != expectedLength) {
                throw new IllegalStateException("image data is " + total + " bytes, expected " + expectedLength);
            }
            if (inflater.getRemaining() != 0) {
                throw new IllegalStateException("bytes after the end of the zlib stream");
            }
            return Arrays.copyOf(raw, expectedLength);
        } catch (DataFormatException e) {
            throw new IllegalStateException("invalid zlib stream", e);
        } finally {
            inflater.end();
        }
    }

    List<Chunk> chunkList() {
        return chunks;
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    int bitDepth() {
        return bitDepth;
    }

    int colourType() {
        return colourType;
    }

    int compressionMethod() {
        return compressionMethod;
    }

    int filterMethod() {
        return filterMethod;
    }

    int interlaceMethod() {
        return interlaceMethod;
    }

    boolean isBlack(int x, int y) {
        if (x < 0 || x >= width || y < 0 || y >= height) {
            throw new IndexOutOfBoundsException("pixel (" + x + ", " + y + ") outside " + width + "x" + height);
        }
        return pixels[y * width + x] == 0;
    }
}
