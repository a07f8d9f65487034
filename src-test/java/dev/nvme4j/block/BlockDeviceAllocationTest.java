package dev.nvme4j.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.NamespaceConfig;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Blocking I/O with DMA buffers allocates nothing in steady state, on the caller's thread or the owner's. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BlockDeviceAllocationTest {
    private static final int WARM_UP = 50_000;
    private static final int MEASURED = 200_000;

    @Test
    void blockingIoWithDmaBuffersAllocatesNothingAfterWarmUp() {
        MockConfig cfg = MockConfig.builder().mode(ExecutionMode.DETERMINISTIC)
                .namespace(NamespaceConfig.nullStore(1 << 20, 512)).build();
        BlockDeviceOptions o = BlockDeviceOptions.builder().queuePairs(1).queueDepth(64).requestSlots(64)
                .completionMode(CompletionMode.POLL).bounceBuffers(1).build();
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (BlockFixture f = new BlockFixture(cfg, ControllerOptions.defaults(), o);
             DmaBuffer buf = f.ctrl.allocateBuffer(4096)) {
            long owner = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("nvme4j-block-ns1-q0")).findFirst().orElseThrow().threadId();
            long me = Thread.currentThread().threadId();
            run(f.dev, buf, WARM_UP);
            long callerBefore = threads.getThreadAllocatedBytes(me);
            long ownerBefore = threads.getThreadAllocatedBytes(owner);
            long start = System.nanoTime();
            run(f.dev, buf, MEASURED);
            long elapsed = System.nanoTime() - start;
            long caller = threads.getThreadAllocatedBytes(me) - callerBefore;
            long ownerBytes = threads.getThreadAllocatedBytes(owner) - ownerBefore;
            System.out.printf("%d blocking 4 KiB I/Os: caller allocated %d bytes, owner %d bytes (%.0f ns per I/O"
                    + " including the hand-off and the mock)%n", MEASURED, caller, ownerBytes, (double) elapsed / MEASURED);
            assertTrue(caller < 64 * 1024, "the caller allocated " + caller + " bytes in " + MEASURED + " I/Os");
            assertTrue(ownerBytes < 64 * 1024, "the owner allocated " + ownerBytes + " bytes in " + MEASURED + " I/Os");
            assertEquals(4096, buf.byteSize());
        }
    }

    /** Direct ByteBuffers go through the bounce buffers with absolute copies: no view or slice per call. */
    @Test
    void blockingIoWithDirectByteBuffersAllocatesNothingAfterWarmUp() {
        MockConfig cfg = MockConfig.builder().mode(ExecutionMode.DETERMINISTIC)
                .namespace(NamespaceConfig.nullStore(1 << 20, 512)).build();
        BlockDeviceOptions o = BlockDeviceOptions.builder().queuePairs(1).queueDepth(64).requestSlots(64)
                .completionMode(CompletionMode.POLL).bounceBuffers(2).bounceSize(8192).build();
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (BlockFixture f = new BlockFixture(cfg, ControllerOptions.defaults(), o)) {
            java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocateDirect(16384); // two bounce pieces per call
            long me = Thread.currentThread().threadId();
            runDirect(f.dev, bb, WARM_UP / 4);
            long before = threads.getThreadAllocatedBytes(me);
            runDirect(f.dev, bb, MEASURED / 4);
            long bytes = threads.getThreadAllocatedBytes(me) - before;
            System.out.printf("%d blocking 16 KiB direct-ByteBuffer calls: caller allocated %d bytes%n",
                    MEASURED / 4, bytes);
            assertTrue(bytes < 64 * 1024, "the caller allocated " + bytes + " bytes in " + MEASURED / 4 + " calls");
            assertEquals(16384, bb.position(), "a call moves the position to the limit");
        }
    }

    private static void runDirect(BlockDevice dev, java.nio.ByteBuffer bb, int n) {
        for (int i = 0; i < n; i++) {
            bb.clear();
            long lba = (i * 32L) & 0xFFFE0;
            if ((i & 1) == 0) {
                dev.read(lba, bb);
            } else {
                dev.write(lba, bb);
            }
        }
    }

    private static void run(BlockDevice dev, DmaBuffer buf, int n) {
        for (int i = 0; i < n; i++) {
            long lba = (i * 8L) & 0xFFFF8;
            if ((i & 1) == 0) {
                dev.read(lba, 8, buf);
            } else {
                dev.write(lba, 8, buf);
            }
        }
    }
}
