package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.tool.fio.VerifyFormat.Checksum;
import dev.nvme4j.tool.fio.VerifyPattern;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The checksums of {@code --verify} against their published check values, and the parsing of
 * {@code verify_pattern} against what fio 3.33 wrote to a plain file for the same values.
 */
class VerifyChecksumsTest {
    private static final byte[] CHECK = "123456789".getBytes(StandardCharsets.US_ASCII);

    /** A CRC or xxHash value as stored: little-endian in {@code bytes} bytes. */
    private static byte[] little(long v, int bytes) {
        byte[] b = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        return b;
    }

    @Test
    void crcsAndXxhashGiveTheirCheckValues() {
        // The CRC catalogue's check values of "123456789": CRC-32C, CRC-32, CRC-16/ARC, CRC-7/MMC, CRC-64/NVME.
        assertArrayEquals(little(0xE3069283L, 4), Checksum.CRC32C.of(CHECK));
        assertArrayEquals(little(0xCBF43926L, 4), Checksum.CRC32.of(CHECK));
        assertArrayEquals(little(0xBB3D, 2), Checksum.CRC16.of(CHECK));
        assertArrayEquals(little(0x75, 1), Checksum.CRC7.of(CHECK));
        assertArrayEquals(little(0xAE8B14860A799888L, 8), Checksum.CRC64.of(CHECK));
        // XXH32, seed 0, from libxxhash 0.8.1 (XXH32 through ctypes), over i*7 & 0xff for i < n:
        // short inputs take the tail path only, 16 and more the four-lane stripes.
        assertArrayEquals(little(0x937BAD67L, 4), Checksum.XXHASH.of(CHECK));
        assertArrayEquals(little(0x02CC5D05L, 4), Checksum.XXHASH.of(new byte[0]));
        Map<Integer, Long> xxh = Map.of(1, 0xCF65B03EL, 15, 0x8807D6B2L, 16, 0xB59B7E13L, 17, 0x20DD4529L,
                100, 0xAA19E8B7L, 4096, 0xC1FF0304L);
        xxh.forEach((n, v) -> {
            byte[] data = new byte[n];
            for (int i = 0; i < n; i++) {
                data[i] = (byte) (i * 7);
            }
            assertArrayEquals(little(v, 4), Checksum.XXHASH.of(data), "xxhash of " + n + " bytes");
        });
    }

    @Test
    void digestsAreTheJdksOnes() {
        // Python's hashlib over "123456789".
        Map<Checksum, String> want = Map.of(
                Checksum.MD5, "25f9e794323b453885f5181f1b624d0b",
                Checksum.SHA1, "f7c3bc1d808e04732adf679965ccc34ca7ae3441",
                Checksum.SHA256, "15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225",
                Checksum.SHA512, "d9e6762dd1c8eaf6d61b3c6192fc408d4d6d5f1176d0c29169bc24e71c3f274ad27fcd5811b313d681f7e55ec0"
                        + "2d73d499c95455b6b5bb503acf574fba8ffe85",
                Checksum.SHA3_224, "5795c3d628fd638c9835a4c79a55809f265068c88729a1a3fcdf8522",
                Checksum.SHA3_256, "87cd084d190e436f147322b90e7384f6a8e0676c99d21ef519ea718e51d45f9c",
                Checksum.SHA3_384, "8b90ede4d095409f1a12492c2520599683a9478dc70b7566d23b3e41ece8538c6cde92382a5e38786490375c"
                        + "54672abf",
                Checksum.SHA3_512, "e1e44d20556e97a180b6dd3ed7ae5c465cafd553fa8747dca038fb95635b77a37318f7ddf7aec1f6c3c14bb1"
                        + "60ba2497007decf38dd361cab199e3b8c8fe1f5c");
        want.forEach((sum, hex) -> assertEquals(hex, HexFormat.of().formatHex(sum.of(CHECK)), sum.text()));
        for (Checksum sum : Checksum.values()) {
            assertEquals(sum.length(), sum.of(CHECK).length, sum.text());
        }
    }

    private static String bytes(String spec) {
        return HexFormat.ofDelimiter(" ").formatHex(VerifyPattern.parse(spec).bytesAt(0x1234));
    }

    @Test
    void patternsParseAsFioReadsThem() {
        // What fio 3.33 wrote with verify=pattern and these verify_pattern values (xxd of the file).
        assertEquals("00", bytes("0"));
        assertEquals("42", bytes("66"));
        assertEquals("00 fc ff ff", bytes("-1024"));
        assertEquals("ff 01", bytes("0xFF0X1"));
        assertEquals("01 23", bytes("0x123"));
        assertEquals("de ad be ef", bytes("0xdeadbeef"));
        assertEquals("31 32 33 ff ee cc", bytes("\"123\"0xFFeeCC"));
        // %o is the offset (here 0x1234), 8 bytes little-endian
        assertEquals("f6 ff ff ff ab 31 34 12 00 00 00 00 00 00 32", bytes("-100xab\"1\"%o\"2\""));
    }

    @Test
    void badPatternsAreRefusedSayingWhy() {
        // fio 3.33 refuses each of these ("failed parsing verify_pattern=...")
        for (String bad : new String[] {"4294967296", "0x", "abc", "'file'", "%x", "\"open", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VerifyPattern.parse(bad),
                    bad);
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), bad);
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> VerifyPattern.parse("4294967296"))
                .getMessage().contains("hex"));
    }
}
