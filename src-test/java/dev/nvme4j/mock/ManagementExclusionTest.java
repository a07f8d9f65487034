package dev.nvme4j.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.Nvme;
import dev.nvme4j.api.Confirm;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Management.FormatRequest;
import dev.nvme4j.api.NamespaceChanges;
import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.mock.config.FaultHandle;
import dev.nvme4j.mock.config.FaultMatch;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.MockController;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.spec.Opcodes;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A destructive management operation refuses while a queue pair is open, and no queue pair can
 * be created while one runs: the check and the operation are one step against a pair created at
 * the same moment.
 */
class ManagementExclusionTest {
    private static MockController mock() {
        return Nvme.createMock(MockConfig.builder().namespace(NamespaceConfig.ram(2048, 512)).nn(8)
                .mode(ExecutionMode.THREADED).build());
    }

    @Test
    void noPairIsCreatedWhileAFormatRuns() throws Exception {
        try (MockController m = mock(); Controller c = Nvme.open(m)) {
            FaultHandle slow = m.faults().delayCompletions(FaultMatch.any().queue(0).opcode(Opcodes.ADMIN_FORMAT_NVM)
                    .times(1), Duration.ofSeconds(4)); // long enough for a loaded machine to reach the create
            CompletableFuture<NamespaceChanges> format = CompletableFuture.supplyAsync(
                    () -> c.management().format(1, FormatRequest.lbaFormat(2), Confirm.DESTRUCTIVE));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (slow.hits() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertEquals(1, slow.hits(), "the Format NVM command reached the controller");
            IllegalStateException refused = assertThrows(IllegalStateException.class, c::createQueuePair,
                    "a queue pair while the format runs could address the namespace mid-format");
            assertTrue(refused.getMessage().contains("no I/O queue pair can be created while Format NVM of namespace 1"
                    + " runs"), refused.getMessage());
            format.get(20, TimeUnit.SECONDS);
            assertEquals(4096, c.namespace(1).lbaSize(), "formatted");
            try (IoQueuePair after = c.createQueuePair()) {
                assertTrue(after.queueId() > 0, "creation works again once the format returned");
            }
        }
    }

    @Test
    void aPairCreatedAtTheSameMomentEitherBlocksTheFormatOrWaitsForIt() throws Exception {
        try (MockController m = mock(); Controller c = Nvme.open(m)) {
            for (int round = 0; round < 20; round++) {
                CyclicBarrier start = new CyclicBarrier(2);
                int lbaf = round % 2 == 0 ? 2 : 0;
                AtomicLong formatEnd = new AtomicLong();
                CompletableFuture<Boolean> format = CompletableFuture.supplyAsync(() -> {
                    await(start);
                    try {
                        c.management().format(1, FormatRequest.lbaFormat(lbaf), Confirm.DESTRUCTIVE);
                        formatEnd.set(System.nanoTime());
                        return true;
                    } catch (IllegalStateException e) {
                        assertTrue(e.getMessage().contains("I/O queue pair is open"), e.getMessage());
                        return false;
                    }
                });
                await(start);
                long created = 0;
                IoQueuePair pair = null;
                try {
                    pair = c.createQueuePair();
                    created = System.nanoTime();
                } catch (IllegalStateException e) {
                    assertTrue(e.getMessage().contains("while Format NVM"), e.getMessage());
                }
                try {
                    boolean formatted = format.get(20, TimeUnit.SECONDS);
                    assertTrue(pair == null || !formatted || created > formatEnd.get(),
                            "round " + round + ": a queue pair was open while Format NVM ran");
                    assertTrue(pair != null || formatted, "round " + round + ": one of the two goes ahead");
                } finally {
                    if (pair != null) {
                        pair.close();
                    }
                }
            }
        }
    }

    private static void await(CyclicBarrier b) {
        try {
            b.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
