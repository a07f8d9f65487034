package dev.nvme4j.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.NamespaceConfig;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link BlockFileChannel} against {@link FileChannel}'s contract: positions, byte offsets and
 * lengths that are not block aligned, the end of the device, closed and one-way channels. Each
 * write is also checked against a plain byte array model of the range.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BlockFileChannelTest {
    private static final int BS = 512;
    private static final long FIRST = 16; // the range starts at this block of the namespace
    private static final long BLOCKS = 64;
    private static final long SIZE = BLOCKS * BS;

    private BlockFixture f;
    private FileChannel ch;
    private byte[] model;

    @BeforeEach
    void open() {
        MockConfig cfg = MockConfig.builder().mode(ExecutionMode.THREADED).namespace(NamespaceConfig.ram(1024, BS)).build();
        f = new BlockFixture(cfg, ControllerOptions.defaults(), BlockDeviceOptions.builder().queuePairs(2)
                .completionMode(CompletionMode.HYBRID).bounceBuffers(4).bounceSize(8192).build());
        ch = f.dev.channel(FIRST, BLOCKS, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
        model = new byte[(int) SIZE];
    }

    @AfterEach
    void close() throws IOException {
        ch.close();
        f.close();
    }

    private byte[] whole() throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) SIZE);
        assertEquals(SIZE, ch.read(b, 0));
        return b.array();
    }

    @Test
    void sizeIsTheRangeAndTheChannelStartsAtItsFirstBlock() throws IOException {
        assertEquals(SIZE, ch.size());
        assertEquals(0, ch.position());
        ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 0);
        byte[] first = new byte[BS];
        f.dev.read(FIRST, MemorySegment.ofArray(first));
        assertEquals(1, first[0]);
        assertEquals(3, first[2]);
        byte[] before = new byte[BS];
        f.dev.read(FIRST - 1, MemorySegment.ofArray(before));
        assertArrayEquals(new byte[BS], before, "nothing written before the range");
    }

    @Test
    void unalignedWritesAndReadsAtAnyOffsetMatchAByteArray() throws IOException {
        Random rnd = new Random(42);
        for (int i = 0; i < 200; i++) {
            int len = 1 + rnd.nextInt(3 * BS);
            int pos = rnd.nextInt((int) SIZE - len + 1);
            byte[] data = new byte[len];
            rnd.nextBytes(data);
            ByteBuffer src = rnd.nextBoolean() ? ByteBuffer.wrap(data) : ByteBuffer.allocateDirect(len).put(data).flip();
            assertEquals(len, ch.write(src, pos));
            assertFalse(src.hasRemaining());
            System.arraycopy(data, 0, model, pos, len);
            int rlen = 1 + rnd.nextInt(3 * BS);
            int rpos = rnd.nextInt((int) SIZE - rlen + 1);
            ByteBuffer dst = ByteBuffer.allocate(rlen);
            assertEquals(rlen, ch.read(dst, rpos));
            assertArrayEquals(java.util.Arrays.copyOfRange(model, rpos, rpos + rlen), dst.array(), "read at " + rpos);
        }
        assertArrayEquals(model, whole());
    }

    @Test
    void relativeReadsAndWritesMoveThePositionPositionalOnesDoNot() throws IOException {
        ch.position(100);
        assertEquals(7, ch.write(ByteBuffer.wrap("abcdefg".getBytes())));
        assertEquals(107, ch.position());
        ch.write(ByteBuffer.wrap("XY".getBytes()), 5);
        assertEquals(107, ch.position());
        ch.position(102);
        ByteBuffer b = ByteBuffer.allocate(3);
        assertEquals(3, ch.read(b));
        assertEquals("cde", new String(b.array()));
        assertEquals(105, ch.position());
        ByteBuffer two = ByteBuffer.allocate(2);
        assertEquals(2, ch.read(two, 5));
        assertEquals("XY", new String(two.array()));
        assertEquals(105, ch.position(), "a positional read leaves the position");
        assertSame(ch, ch.position(3));
    }

    @Test
    void scatteringAndGatheringUseThePosition() throws IOException {
        ch.position(BS - 3);
        ByteBuffer[] srcs = {ByteBuffer.wrap(new byte[] {1, 2}), ByteBuffer.wrap(new byte[] {3, 4, 5, 6})};
        assertEquals(6, ch.write(srcs));
        assertEquals(BS + 3, ch.position());
        ch.position(BS - 3);
        ByteBuffer[] dsts = {ByteBuffer.allocate(1), ByteBuffer.allocate(5)};
        assertEquals(6, ch.read(dsts));
        assertEquals(1, dsts[0].get(0));
        assertEquals(6, dsts[1].get(4));
    }

    @Test
    void theEndOfTheDevice() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(100);
        assertEquals(-1, ch.read(b, SIZE), "read at the end");
        assertEquals(-1, ch.read(b, SIZE + 12345), "read past the end");
        ch.position(SIZE + 10);
        assertEquals(-1, ch.read(b));
        assertEquals(0, ch.read(ByteBuffer.allocate(0), 0), "an empty buffer reads nothing, even at 0");
        assertEquals(10, ch.read(b, SIZE - 10), "a read across the end is short");
        var e = assertThrows(IOException.class, () -> ch.write(ByteBuffer.allocate(20), SIZE - 10));
        assertTrue(e.getMessage().contains("past the end"), e.getMessage());
        assertArrayEquals(model, whole(), "a refused write writes nothing");
        assertEquals(10, ch.write(ByteBuffer.wrap(new byte[10]), SIZE - 10), "a write up to the end fits");
        assertThrows(IllegalArgumentException.class, () -> ch.read(b, -1));
        assertThrows(IllegalArgumentException.class, () -> ch.write(b, -1));
        assertThrows(IllegalArgumentException.class, () -> ch.position(-1));
    }

    @Test
    void truncateForceMapAndLock() throws IOException {
        ch.position(SIZE);
        assertSame(ch, ch.truncate(SIZE + 100), "truncating to a larger size changes nothing");
        assertEquals(SIZE, ch.size());
        assertSame(ch, ch.truncate(SIZE));
        ch.position(SIZE + 50);
        ch.truncate(SIZE);
        assertEquals(SIZE, ch.position(), "the position moves back to the new size");
        var e = assertThrows(UnsupportedOperationException.class, () -> ch.truncate(10));
        assertTrue(e.getMessage().contains("cannot be truncated"), e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> ch.lock());
        assertThrows(UnsupportedOperationException.class, () -> ch.tryLock());
        assertThrows(UnsupportedOperationException.class, () -> ch.map(FileChannel.MapMode.READ_ONLY, 0, 10));
        ch.force(true);
        ch.force(false);
    }

    @Test
    void transferToAndFrom() throws IOException {
        byte[] data = new byte[3000];
        new Random(1).nextBytes(data);
        assertEquals(3000, ch.transferFrom(Channels.newChannel(new java.io.ByteArrayInputStream(data)), 77, 5000));
        var out = new java.io.ByteArrayOutputStream();
        assertEquals(3000, ch.transferTo(77, 3000, Channels.newChannel(out)));
        assertArrayEquals(data, out.toByteArray());
        assertEquals(0, ch.transferFrom(Channels.newChannel(new java.io.ByteArrayInputStream(data)), SIZE + 1, 10));
    }

    @Test
    void aClosedChannelThrowsClosedChannelExceptionEverywhere() throws IOException {
        ch.close();
        assertFalse(ch.isOpen());
        ch.close(); // idempotent
        ByteBuffer b = ByteBuffer.allocate(10);
        assertThrows(ClosedChannelException.class, () -> ch.read(b));
        assertThrows(ClosedChannelException.class, () -> ch.read(b, 0));
        assertThrows(ClosedChannelException.class, () -> ch.write(b));
        assertThrows(ClosedChannelException.class, () -> ch.write(b, 0));
        assertThrows(ClosedChannelException.class, () -> ch.position());
        assertThrows(ClosedChannelException.class, () -> ch.position(0));
        assertThrows(ClosedChannelException.class, () -> ch.size());
        assertThrows(ClosedChannelException.class, () -> ch.force(true));
        assertThrows(ClosedChannelException.class, () -> ch.truncate(0));
        assertFalse(f.dev.isClosed(), "closing the channel leaves the device open");
        f.dev.flush();
    }

    @Test
    void aReadOnlyOrWriteOnlyChannelRefusesTheOtherDirection() throws IOException {
        try (FileChannel ro = f.dev.channel(0, 8, Set.of(StandardOpenOption.READ));
             FileChannel wo = f.dev.channel(0, 8, Set.of(StandardOpenOption.WRITE))) {
            assertThrows(NonWritableChannelException.class, () -> ro.write(ByteBuffer.allocate(1), 0));
            assertThrows(NonWritableChannelException.class, () -> ro.write(ByteBuffer.allocate(1)));
            assertThrows(NonWritableChannelException.class, () -> ro.truncate(100_000));
            assertThrows(NonReadableChannelException.class, () -> wo.read(ByteBuffer.allocate(1), 0));
            assertThrows(NonReadableChannelException.class, () -> wo.read(ByteBuffer.allocate(1)));
            assertEquals(1, ro.read(ByteBuffer.allocate(1), 0));
            assertEquals(1, wo.write(ByteBuffer.allocate(1), 0));
        }
        assertThrows(IllegalArgumentException.class, () -> f.dev.channel(1000, 100, Set.of(StandardOpenOption.READ)));
        assertThrows(IllegalArgumentException.class, () -> f.dev.channel(0, 1, Set.of()));
    }

    @Test
    void closingTheDeviceMakesTheChannelFailWithAnAsynchronousClose() throws IOException {
        f.dev.close();
        var e = assertThrows(IOException.class, () -> ch.read(ByteBuffer.allocate(10), 0));
        assertInstanceOf(java.nio.channels.AsynchronousCloseException.class, e);
    }

    @Test
    void virtualThreadsWritingDisjointUnalignedRangesAllLand() throws Exception {
        int n = 32;
        int len = (int) (SIZE / n); // 1024 bytes each, starting mid-block for odd ones
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            int id = t;
            byte[] data = new byte[len - 1];
            java.util.Arrays.fill(data, (byte) (id + 1));
            System.arraycopy(data, 0, model, id * len, data.length);
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    // Disjoint bytes but shared blocks would race in read-modify-write: keep blocks apart.
                    ch.write(ByteBuffer.wrap(data), (long) id * len);
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread t : threads) {
            assertTrue(t.join(java.time.Duration.ofSeconds(60)));
        }
        assertEquals(List.of(), new ArrayList<>(failures));
        assertArrayEquals(model, whole());
    }
}
