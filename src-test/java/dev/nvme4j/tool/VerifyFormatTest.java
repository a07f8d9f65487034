package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.tool.fio.Mismatch;
import dev.nvme4j.tool.fio.VerifyFormat;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerifyFormatTest {
    private final VerifyFormat format = new VerifyFormat(512);
    private final List<Mismatch> found = new ArrayList<>();

    private int check(ByteBuffer b, long lba, long gen) {
        return format.check(b, 4, lba, gen, (l, p, e, f) -> found.add(new Mismatch(l, p, e, f)));
    }

    @Test
    void stampedBlocksCheckClean() {
        ByteBuffer b = ByteBuffer.allocateDirect(2048);
        format.stamp(b, 4, 100, 7, 0);
        assertEquals(0, check(b, 100, 7));
        assertEquals(0, check(b, 100, VerifyFormat.ANY_GENERATION));
        assertEquals(List.of(), found);
    }

    @Test
    void aFlippedByteIsReportedWithItsLba() {
        ByteBuffer b = ByteBuffer.allocateDirect(2048);
        format.stamp(b, 4, 100, 7, 0);
        b.put(2 * 512 + 300, (byte) (b.get(2 * 512 + 300) ^ 0x40));
        assertEquals(1, check(b, 100, 7));
        assertEquals(102, found.get(0).lba());
        assertEquals(VerifyFormat.Problem.BAD_CRC, found.get(0).problem());
    }

    @Test
    void everyChecksumCoversTheDataAndIsNamedInTheReport() {
        for (VerifyFormat.Checksum sum : VerifyFormat.Checksum.values()) {
            VerifyFormat f = new VerifyFormat(512, sum);
            List<Mismatch> bad = new ArrayList<>();
            ByteBuffer b = ByteBuffer.allocateDirect(2048);
            f.stamp(b, 4, 100, 7, 0);
            assertEquals(0, f.check(b, 4, 100, 7, (l, p, e, x) -> bad.add(new Mismatch(l, p, e, x, sum))), sum.text());
            for (int off : new int[] {1 * 512 + 5, 2 * 512 + 300, 3 * 512 + 511}) {
                b.put(off, (byte) (b.get(off) ^ 0x40));
                assertEquals(1, f.check(b, 4, 100, 7, (l, p, e, x) -> bad.add(new Mismatch(l, p, e, x, sum))),
                        sum.text() + " byte " + off);
                b.put(off, (byte) (b.get(off) ^ 0x40));
            }
            assertEquals(VerifyFormat.Problem.BAD_CRC, bad.get(1).problem());
            assertEquals(102, bad.get(1).lba());
            assertTrue(bad.get(1).describe().startsWith("lba 102: " + sum.text() + " mismatch"), bad.get(1).describe());
        }
    }

    @Test
    void wrongPlaceStaleAndUnwrittenBlocks() {
        ByteBuffer b = ByteBuffer.allocateDirect(2048);
        format.stamp(b, 4, 100, 7, 0);
        assertEquals(4, check(b, 200, 7));
        assertEquals(VerifyFormat.Problem.WRONG_LBA, found.get(0).problem());
        found.clear();
        assertEquals(4, check(b, 100, 8));
        assertEquals(VerifyFormat.Problem.STALE_GENERATION, found.get(0).problem());
        found.clear();
        assertEquals(4, check(ByteBuffer.allocateDirect(2048), 0, 1));
        assertEquals(VerifyFormat.Problem.NO_HEADER, found.get(3).problem());
        assertEquals(3, found.get(3).lba());
    }
}
