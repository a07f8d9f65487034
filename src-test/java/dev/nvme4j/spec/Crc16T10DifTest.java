package dev.nvme4j.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** CRC-16 T10-DIF against published check values and a bit-at-a-time reference. */
class Crc16T10DifTest {
    /** The definition, one bit at a time: polynomial 0x8BB7, MSB first, init 0, no final XOR. */
    private static int reference(byte[] b, int off, int len) {
        int crc = 0;
        for (int i = off; i < off + len; i++) {
            crc ^= (b[i] & 0xFF) << 8;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 0x8000) != 0 ? ((crc << 1) ^ 0x8BB7) & 0xFFFF : (crc << 1) & 0xFFFF;
            }
        }
        return crc;
    }

    @Test
    void standardCheckValueOf123456789() {
        assertEquals(0xD0DB, Crc16T10Dif.of("123456789".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void wholeBlocksOfZerosAndOnes() {
        assertEquals(0x0000, Crc16T10Dif.of(new byte[512]));
        byte[] ff = new byte[512];
        java.util.Arrays.fill(ff, (byte) 0xFF);
        assertEquals(reference(ff, 0, 512), Crc16T10Dif.of(ff));
    }

    @Test
    void slicedComputationMatchesTheBitwiseDefinitionAtEveryLengthAndOffset() {
        Random rnd = new Random(15);
        byte[] data = new byte[4200];
        rnd.nextBytes(data);
        MemorySegment s = MemorySegment.ofArray(data);
        for (int off = 0; off < 9; off++) {
            for (int len = 0; len < 70; len++) {
                assertEquals(reference(data, off, len), Crc16T10Dif.update(0, s, off, len), "off " + off + " len " + len);
            }
        }
        assertEquals(reference(data, 3, 4096), Crc16T10Dif.update(0, s, 3, 4096));
        int split = Crc16T10Dif.update(Crc16T10Dif.update(0, s, 0, 4096), s, 4096, 56);
        assertEquals(reference(data, 0, 4152), split, "a CRC continued over the metadata before the PI");
    }
}
