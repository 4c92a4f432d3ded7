package io.serverlessmfa.core.qr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.zxing.common.BitMatrix;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PngEncoderTest {

    /** A reproducible, irregular pattern, so that a swapped axis or an off-by-one shows up as a wrong pixel. */
    private static BitMatrix randomMatrix(int width, int height, long seed) {
        Random random = new Random(seed);
        BitMatrix matrix = new BitMatrix(width, height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (random.nextBoolean()) {
                    matrix.set(x, y);
                }
            }
        }
        return matrix;
    }

    private static void assertPixelsMatch(BitMatrix matrix, int quietZone, int scale, PngReader image) {
        assertEquals((matrix.getWidth() + 2 * quietZone) * scale, image.width(), "width");
        assertEquals((matrix.getHeight() + 2 * quietZone) * scale, image.height(), "height");
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                int moduleX = x / scale - quietZone;
                int moduleY = y / scale - quietZone;
                boolean inMatrix = moduleX >= 0 && moduleX < matrix.getWidth()
                        && moduleY >= 0 && moduleY < matrix.getHeight();
                boolean expectedBlack = inMatrix && matrix.get(moduleX, moduleY);
                if (expectedBlack != image.isBlack(x, y)) {
                    throw new AssertionError("pixel (" + x + ", " + y + ") should be "
                            + (expectedBlack ? "black" : "white"));
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}x{1} modules, quiet zone {2}, {3} px per module")
    @CsvSource({
            "21, 21, 4, 6",   // version 1 QR code as rendered in production
            "21, 21, 4, 1",   // 29 px: scanline ends inside a byte
            "21, 21, 0, 1",   // no quiet zone at all
            "25, 25, 4, 3",   // 99 px: unused low-order bits in the last byte
            "8, 8, 0, 1",     // exactly one byte per scanline
            "1, 1, 16, 32",   // largest quiet zone and scale
            "37, 13, 2, 5",   // not square: width and height must not be swapped
            "13, 37, 3, 2",
    })
    void everyPixelMatchesTheMatrixWithQuietZoneAndScale(int width, int height, int quietZone, int scale) {
        BitMatrix matrix = randomMatrix(width, height, 31L * width + height);

        PngReader image = PngReader.read(PngEncoder.encode(matrix, quietZone, scale));

        assertPixelsMatch(matrix, quietZone, scale, image);
    }

    @Test
    void anAllBlackMatrixIsBlackInsideAWhiteQuietZone() {
        BitMatrix matrix = new BitMatrix(3, 3);
        matrix.setRegion(0, 0, 3, 3);

        PngReader image = PngReader.read(PngEncoder.encode(matrix, 1, 2));

        assertEquals(10, image.width());
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 10; x++) {
                boolean inside = x >= 2 && x < 8 && y >= 2 && y < 8;
                assertEquals(inside, image.isBlack(x, y), "pixel (" + x + ", " + y + ")");
            }
        }
    }

    @Test
    void startsWithThePngSignatureAndHasIhdrIdatIendInOrder() {
        byte[] png = PngEncoder.encode(randomMatrix(21, 21, 1), 4, 6);

        assertArrayEquals(PngReader.SIGNATURE, Arrays.copyOf(png, 8));
        List<String> types = PngReader.chunks(png).stream().map(PngReader.Chunk::type).toList();
        assertEquals(List.of("IHDR", "IDAT", "IEND"), types);
        assertEquals(0, PngReader.chunks(png).get(2).data().length, "IEND carries no data");
    }

    @Test
    void headerDeclaresOneBitGreyscaleWithoutInterlace() {
        byte[] png = PngEncoder.encode(randomMatrix(25, 21, 2), 4, 3);

        ByteBuffer header = ByteBuffer.wrap(PngReader.chunks(png).get(0).data());
        assertEquals(13, header.remaining(), "IHDR length");
        assertEquals((25 + 8) * 3, header.getInt(), "width");
        assertEquals((21 + 8) * 3, header.getInt(), "height");
        assertEquals(1, header.get(), "bit depth");
        assertEquals(0, header.get(), "colour type greyscale");
        assertEquals(0, header.get(), "compression method deflate");
        assertEquals(0, header.get(), "filter method");
        assertEquals(0, header.get(), "interlace method none");
    }

    @Test
    void everyChunkCarriesTheCrcOfItsTypeAndData() {
        byte[] png = PngEncoder.encode(randomMatrix(29, 29, 3), 4, 4);

        for (PngReader.Chunk chunk : PngReader.chunks(png)) {
            assertEquals(chunk.computedCrc(), chunk.storedCrc(), "CRC of " + chunk.type());
        }
    }

    @Test
    void theTestReaderNoticesACorruptedByte() {
        // Guards the test reader itself: a CRC check that never fails would prove nothing.
        byte[] png = PngEncoder.encode(randomMatrix(21, 21, 4), 4, 2);
        png[png.length - 20] ^= 0x01;

        assertThrows(IllegalStateException.class, () -> PngReader.chunks(png));
    }

    @Test
    void sameMatrixGivesIdenticalBytes() {
        BitMatrix matrix = randomMatrix(21, 21, 5);

        assertArrayEquals(PngEncoder.encode(matrix, 4, 6), PngEncoder.encode(matrix, 4, 6));
    }

    @Test
    void acceptsAnImageOfExactlyTheMaximumSide() {
        BitMatrix matrix = randomMatrix(128, 128, 6);

        PngReader image = PngReader.read(PngEncoder.encode(matrix, 0, 32));

        assertEquals(4096, image.width());
        assertEquals(4096, image.height());
        assertPixelsMatch(matrix, 0, 32, image);
    }

    @Test
    void rejectsAMissingMatrix() {
        IllegalArgumentException error =
                assertThrows(IllegalArgumentException.class, () -> PngEncoder.encode(null, 4, 6));
        assertTrue(error.getMessage().contains("matrix"), error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, 33, Integer.MAX_VALUE})
    void rejectsPixelsPerModuleOutsideOneToThirtyTwo(int pixelsPerModule) {
        BitMatrix matrix = new BitMatrix(21, 21);

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> PngEncoder.encode(matrix, 4, pixelsPerModule));
        assertTrue(error.getMessage().contains("pixelsPerModule"), error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, -1, 17, Integer.MAX_VALUE})
    void rejectsAQuietZoneOutsideZeroToSixteen(int quietZone) {
        BitMatrix matrix = new BitMatrix(21, 21);

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> PngEncoder.encode(matrix, quietZone, 6));
        assertTrue(error.getMessage().contains("quietZoneModules"), error.getMessage());
    }

    @ParameterizedTest(name = "{0}x{1} modules, quiet zone {2}, {3} px per module")
    @CsvSource({
            "177, 177, 4, 32",  // version 40 at the largest scale: 5920 px
            "129, 128, 0, 32",  // one module too wide
            "128, 129, 0, 32",  // one module too tall
            "4096, 1, 1, 1",    // the quiet zone pushes it over
    })
    void rejectsAnImageLargerThan4096Pixels(int width, int height, int quietZone, int scale) {
        BitMatrix matrix = new BitMatrix(width, height);

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> PngEncoder.encode(matrix, quietZone, scale));
        assertTrue(error.getMessage().contains("4096"), error.getMessage());
    }

    @Test
    void aValidEncodingIsNotAllWhite() {
        // A trivially white image would pass many weaker checks; make sure black really is written.
        BitMatrix matrix = new BitMatrix(1, 1);
        matrix.set(0, 0);

        PngReader image = PngReader.read(PngEncoder.encode(matrix, 0, 1));

        assertTrue(image.isBlack(0, 0));
        assertFalse(PngReader.read(PngEncoder.encode(new BitMatrix(1, 1), 0, 1)).isBlack(0, 0));
    }
}
