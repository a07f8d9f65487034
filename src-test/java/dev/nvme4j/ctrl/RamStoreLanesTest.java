package dev.nvme4j.ctrl;

import static org.junit.jupiter.api.Assertions.assertNull;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.NamespaceConfig;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two host threads, one polled queue pair each, on the RAM store in deterministic mode (the
 * lane path, where the commands of the two queues run at the same time): overlapping writes of
 * 1 to 32 blocks (also across the store's 64 KiB chunks) and reads of the same blocks. Every
 * command is atomic: a read never sees a block mixing two writes, and a multi-block read sees
 * one write's data in all its blocks when one write covered them all.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RamStoreLanesTest {
    private static final int LBA = 4096;
    private static final int BLOCKS = 64; // 256 KiB: four chunks
    private static final int ROUNDS = 4000;

    @Test
    void overlappingCommandsFromTwoQueuesAreEachAtomic() throws Exception {
        MockConfig cfg = MockConfig.builder().namespace(NamespaceConfig.ram(1 << 12, LBA)).build();
        try (MockFixture f = new MockFixture(cfg)) {
            Namespace ns = f.ctrl.namespace(1);
            AtomicReference<String> problem = new AtomicReference<>();
            CyclicBarrier start = new CyclicBarrier(2);
            Thread[] threads = new Thread[2];
            for (int t = 0; t < 2; t++) {
                int id = t;
                IoQueuePair qp = f.ctrl.createQueuePair(8, CompletionMode.POLL);
                DmaBuffer buf = f.ctrl.allocateBuffer(32L * LBA);
                threads[t] = new Thread(() -> {
                    try {
                        start.await();
                        SplittableRandom r = new SplittableRandom(id);
                        for (int i = 0; i < ROUNDS && problem.get() == null; i++) {
                            int blocks = 1 + r.nextInt(32);
                            long lba = r.nextInt(BLOCKS - blocks + 1);
                            if (r.nextBoolean()) {
                                long stamp = ((long) id << 32) | i; // one value in every word of the write
                                MemorySegment m = buf.segment();
                                for (long o = 0; o < (long) blocks * LBA; o += 8) {
                                    m.set(ValueLayout.JAVA_LONG_UNALIGNED, o, stamp);
                                }
                                qp.writeSync(ns, lba, blocks, buf, null, null);
                            } else {
                                qp.readSync(ns, lba, blocks, buf, null, null);
                                String bad = check(buf.segment(), blocks, lba);
                                if (bad != null) {
                                    problem.compareAndSet(null, bad);
                                }
                            }
                        }
                    } catch (Exception e) {
                        problem.compareAndSet(null, e.toString());
                    } finally {
                        qp.close();
                        buf.close();
                    }
                }, "owner-" + t);
                threads[t].start();
            }
            for (Thread t : threads) {
                t.join();
            }
            assertNull(problem.get());
        }
    }

    /**
     * Reads that lie inside one 64 KiB chunk of the store (the common small I/O) racing writes of
     * the very same blocks from the other queue: every read returns one write's data in all its
     * blocks, never a mix of two writes nor a write half applied.
     */
    @Test
    void readsInsideOneChunkNeverSeeAWriteHalfDone() throws Exception {
        MockConfig cfg = MockConfig.builder().namespace(NamespaceConfig.ram(1 << 12, LBA)).build();
        int blocks = 4; // 16 KiB at LBA 8: inside the first chunk
        long lba = 8;
        try (MockFixture f = new MockFixture(cfg)) {
            Namespace ns = f.ctrl.namespace(1);
            AtomicReference<String> problem = new AtomicReference<>();
            java.util.concurrent.atomic.AtomicBoolean readerDone = new java.util.concurrent.atomic.AtomicBoolean();
            CyclicBarrier start = new CyclicBarrier(2);
            IoQueuePair wq = f.ctrl.createQueuePair(8, CompletionMode.POLL);
            IoQueuePair rq = f.ctrl.createQueuePair(8, CompletionMode.POLL);
            DmaBuffer wbuf = f.ctrl.allocateBuffer((long) blocks * LBA);
            DmaBuffer rbuf = f.ctrl.allocateBuffer((long) blocks * LBA);
            Thread writer = new Thread(() -> {
                try {
                    start.await();
                    for (long i = 1; !readerDone.get() && problem.get() == null; i++) {
                        MemorySegment m = wbuf.segment();
                        for (long o = 0; o < (long) blocks * LBA; o += 8) {
                            m.set(ValueLayout.JAVA_LONG_UNALIGNED, o, i);
                        }
                        wq.writeSync(ns, lba, blocks, wbuf, null, null);
                    }
                } catch (Exception e) {
                    problem.compareAndSet(null, e.toString());
                }
            }, "writer");
            writer.start();
            try {
                start.await();
                for (int i = 0; i < 5 * ROUNDS && problem.get() == null; i++) {
                    rq.readSync(ns, lba, blocks, rbuf, null, null);
                    String bad = checkOneWrite(rbuf.segment(), blocks, lba);
                    if (bad != null) {
                        problem.compareAndSet(null, "read " + i + ": " + bad);
                    }
                }
            } finally {
                readerDone.set(true);
                writer.join();
                wq.close();
                rq.close();
                wbuf.close();
                rbuf.close();
            }
            assertNull(problem.get());
        }
    }

    /** Null when all {@code blocks} blocks hold one value throughout; else where the first differs. */
    private static String checkOneWrite(MemorySegment m, int blocks, long lba) {
        long first = m.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
        for (long o = 8; o < (long) blocks * LBA; o += 8) {
            long v = m.get(ValueLayout.JAVA_LONG_UNALIGNED, o);
            if (v != first) {
                return "lba " + (lba + o / LBA) + " byte " + (o % LBA) + " holds write " + v + ", the read began in write "
                        + first;
            }
        }
        return null;
    }

    /** Null when every block holds one value throughout; else what is torn. */
    private static String check(MemorySegment m, int blocks, long lba) {
        for (int b = 0; b < blocks; b++) {
            long first = m.get(ValueLayout.JAVA_LONG_UNALIGNED, (long) b * LBA);
            for (int o = 8; o < LBA; o += 8) {
                long v = m.get(ValueLayout.JAVA_LONG_UNALIGNED, (long) b * LBA + o);
                if (v != first) {
                    return "lba " + (lba + b) + " mixes two writes: " + Long.toHexString(first) + " and "
                            + Long.toHexString(v) + " at byte " + o;
                }
            }
        }
        return null;
    }
}
