package dev.nvme4j.examples.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.Nvme;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.Status;
import dev.nvme4j.block.BlockDevice;
import dev.nvme4j.block.BlockDeviceOptions;
import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.mock.config.FaultMatch;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.MockController;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.spec.Opcodes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The write-ahead log example on the mock: concurrent appends with group commit, then a crash
 * (the device fails writes or flushes and the process stops without closing the log), then
 * recovery on a new controller of the same device: nothing acknowledged is lost, nothing
 * recovered is corrupt, LSNs stay consecutive across epochs.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WriteAheadLogTest {
    private static final long FIRST = 100;
    private static final long BLOCKS = 12_000;

    private static MockController mock() {
        return Nvme.createMock(MockConfig.builder().mode(ExecutionMode.THREADED)
                .namespace(NamespaceConfig.ram(16_384, 512)).build());
    }

    private static BlockDevice device(Controller ctrl) {
        return BlockDevice.open(ctrl, 1, BlockDeviceOptions.builder().queuePairs(2).build());
    }

    /** Appenders of {@code threads} virtual threads; returns acknowledged LSN to payload; tried holds every payload. */
    private static Map<Long, byte[]> appendConcurrently(WriteAheadLog log, int threads, int each, Set<String> tried,
                                                        Runnable atHalf) throws InterruptedException {
        Map<Long, byte[]> acked = new ConcurrentHashMap<>();
        AtomicInteger count = new AtomicInteger();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            ts.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < each; i++) {
                    String s = "thread " + id + " record " + i + " " + "x".repeat((id * 37 + i * 11) % 700);
                    tried.add(s);
                    try {
                        long lsn = log.append(s.getBytes(StandardCharsets.UTF_8));
                        acked.put(lsn, s.getBytes(StandardCharsets.UTF_8));
                    } catch (IllegalStateException e) {
                        return; // not acknowledged: the log stopped
                    }
                    if (count.incrementAndGet() == threads * each / 2 && atHalf != null) {
                        atHalf.run();
                    }
                }
            }));
        }
        for (Thread t : ts) {
            assertTrue(t.join(Duration.ofSeconds(120)), "an appender hangs");
        }
        return acked;
    }

    private static List<WriteAheadLog.Entry> recover(MockController mock, List<WriteAheadLog> keep) {
        List<WriteAheadLog.Entry> out = new ArrayList<>();
        Controller ctrl = Nvme.open(mock);
        try (BlockDevice dev = device(ctrl)) {
            WriteAheadLog log = WriteAheadLog.open(dev, FIRST, BLOCKS, out::add);
            keep.add(log);
            log.close();
        } finally {
            ctrl.close();
        }
        return out;
    }

    private static void assertRecovered(List<WriteAheadLog.Entry> got, Map<Long, byte[]> acked, Set<String> tried) {
        for (int i = 0; i < got.size(); i++) {
            assertEquals(i, got.get(i).lsn(), "LSNs are consecutive");
            String s = new String(got.get(i).payload(), StandardCharsets.UTF_8);
            assertTrue(tried.contains(s), "a recovered record is one that was appended: " + s);
        }
        for (var e : acked.entrySet()) {
            assertTrue(e.getKey() < got.size(), "acknowledged LSN " + e.getKey() + " lost (recovered " + got.size() + ")");
            assertArrayEquals(e.getValue(), got.get((int) (long) e.getKey()).payload(), "LSN " + e.getKey());
        }
    }

    @Test
    void aCrashAfterFailedWritesLosesNothingAcknowledged() throws Exception {
        try (MockController mock = mock()) {
            Set<String> tried = ConcurrentHashMap.newKeySet();
            Map<Long, byte[]> acked;
            Controller ctrl = Nvme.open(mock);
            BlockDevice dev = device(ctrl);
            WriteAheadLog log = WriteAheadLog.create(dev, FIRST, BLOCKS);
            acked = appendConcurrently(log, 64, 40, tried, () -> mock.faults()
                    .completeWithStatus(FaultMatch.any().opcode(Opcodes.NVM_WRITE), Status.of(0, 0x06, true)));
            // The crash: the log is never closed; the device goes away under it.
            dev.close();
            ctrl.close();
            mock.faults().clear();
            assertTrue(acked.size() >= 64 * 40 / 2 - 64, "about half was acknowledged before the fault: " + acked.size());
            assertTrue(acked.size() < 64 * 40, "the fault stopped the log");
            List<WriteAheadLog.Entry> got = recover(mock, new ArrayList<>());
            assertRecovered(got, acked, tried);
            assertEquals(acked.size(), got.size(), "failed writes put nothing on media");
        }
    }

    @Test
    void aCrashBetweenWriteAndFlushLosesNothingAcknowledged() throws Exception {
        try (MockController mock = mock()) {
            Set<String> tried = ConcurrentHashMap.newKeySet();
            Controller ctrl = Nvme.open(mock);
            BlockDevice dev = device(ctrl);
            WriteAheadLog log = WriteAheadLog.create(dev, FIRST, BLOCKS);
            Map<Long, byte[]> acked = appendConcurrently(log, 32, 40, tried, () -> mock.faults()
                    .completeWithStatus(FaultMatch.any().opcode(Opcodes.NVM_FLUSH), Status.of(0, 0x06, true)));
            dev.close();
            ctrl.close();
            mock.faults().clear();
            assertTrue(acked.size() < 32 * 40, "the failed flush stopped the log");
            List<WriteAheadLog.Entry> got = recover(mock, new ArrayList<>());
            assertRecovered(got, acked, tried);
            assertTrue(got.size() >= acked.size(), "the written but unflushed batch may be recovered, never less");
        }
    }

    @Test
    void recoveryContinuesTheLogAcrossEpochsAndGroupCommitBatches() throws Exception {
        try (MockController mock = mock()) {
            Set<String> tried = ConcurrentHashMap.newKeySet();
            Map<Long, byte[]> all = new ConcurrentHashMap<>();
            Controller ctrl = Nvme.open(mock);
            try (BlockDevice dev = device(ctrl)) {
                WriteAheadLog log = WriteAheadLog.create(dev, FIRST, BLOCKS);
                all.putAll(appendConcurrently(log, 16, 20, tried, null));
                assertTrue(log.commits() < 320, "group commit: " + log.commits() + " batches for 320 records");
                System.out.println("320 appends from 16 virtual threads in " + log.commits() + " batches");
                log.close();
                assertThrows(IllegalStateException.class, () -> log.append(new byte[1]));
            } finally {
                ctrl.close();
            }
            assertEquals(320, all.size());
            for (int round = 0; round < 2; round++) {
                List<WriteAheadLog.Entry> before = new ArrayList<>();
                ctrl = Nvme.open(mock);
                try (BlockDevice dev = device(ctrl)) {
                    WriteAheadLog log = WriteAheadLog.open(dev, FIRST, BLOCKS, before::add);
                    assertEquals(all.size(), before.size());
                    assertEquals(all.size(), log.nextLsn());
                    all.putAll(appendConcurrently(log, 16, 20, tried, null)); // crash: never closed
                } finally {
                    ctrl.close();
                }
            }
            List<WriteAheadLog.Entry> got = recover(mock, new ArrayList<>());
            assertEquals(960, got.size());
            assertRecovered(got, all, tried);
        }
    }

    @Test
    void openingARangeWithoutALogSaysSo() {
        try (MockController mock = mock()) {
            Controller ctrl = Nvme.open(mock);
            try (BlockDevice dev = device(ctrl)) {
                var e = assertThrows(IllegalStateException.class, () -> WriteAheadLog.open(dev, FIRST, BLOCKS, x -> { }));
                assertTrue(e.getMessage().contains("no write-ahead log"), e.getMessage());
                assertThrows(IllegalArgumentException.class, () -> WriteAheadLog.create(dev, 16_000, 1000));
            } finally {
                ctrl.close();
            }
        }
    }
}
