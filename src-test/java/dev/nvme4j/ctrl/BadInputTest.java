package dev.nvme4j.ctrl;

import dev.nvme4j.queue.RegionBuffer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoCallback;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.NamespaceConfig;
import java.lang.foreign.Arena;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Wrong arguments are refused before anything reaches the device, each with a clear message. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BadInputTest {
    private static final IoCallback IGNORE = (tag, status) -> { };
    private MockFixture f;
    private IoQueuePair qp;
    private Namespace ns;
    private DmaBuffer buf;
    private long expectedSubmitted;

    @BeforeEach
    void open() {
        f = new MockFixture(MockConfig.builder().oncs(0).namespace(NamespaceConfig.ram(1000, 512)).build());
        qp = f.ctrl.createQueuePair(8, CompletionMode.POLL);
        ns = f.ctrl.namespace(1);
        buf = f.ctrl.allocateBuffer(8192);
    }

    @AfterEach
    void close() {
        long submitted = qp.counters().submitted();
        qp.close();
        f.close();
        assertEquals(expectedSubmitted, submitted, "nothing invalid reached the device");
    }

    private static void assertMessage(Exception e, String part) {
        assertTrue(e.getMessage().contains(part), () -> "message '" + e.getMessage() + "' lacks '" + part + "'");
    }

    @Test
    void lbaRangeBeyondTheNamespace() {
        var e = assertThrows(IllegalArgumentException.class, () -> qp.read(ns, 999, 2, buf, IGNORE, 0));
        assertMessage(e, "beyond namespace 1, which has 1000 blocks");
        assertThrows(IllegalArgumentException.class, () -> qp.write(ns, -1, 1, buf, IGNORE, 0));
    }

    @Test
    void blockCountZero() {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> qp.read(ns, 0, 0, buf, IGNORE, 0)),
                "block count must be at least 1");
    }

    @Test
    void blockCountTooLarge() {
        Namespace big = new Namespace(1, 512, 0, 1L << 40, 1L << 40, 0, false, false);
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> qp.read(big, 0, Integer.MAX_VALUE, buf, IGNORE, 0)), "too large");
    }

    @Test
    void bufferTooSmall() {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> qp.read(ns, 0, 17, buf, IGNORE, 0)),
                "too small");
    }

    @Test
    void bufferOfAnotherController() {
        try (MockFixture other = MockFixture.defaults(); DmaBuffer foreign = other.ctrl.allocateBuffer(4096)) {
            assertMessage(assertThrows(IllegalArgumentException.class,
                    () -> qp.read(ns, 0, 1, foreign, IGNORE, 0)), "not allocated by this controller");
        }
    }

    @Test
    void anApplicationsOwnDmaBufferImplementationIsRefused() {
        DmaBuffer real = f.ctrl.allocateBuffer(4096);
        DmaBuffer impostor = new DmaBuffer() {
            @Override public java.lang.foreign.MemorySegment segment() { return real.segment(); }
            @Override public long iova() { return real.iova(); }
            @Override public long byteSize() { return real.byteSize(); }
            @Override public long offsetInRegion() { return 0; }
            @Override public boolean isLive() { return true; }
            @Override public DmaBuffer slice(long offset, long length) { return this; }
            @Override public void close() { }
        };
        assertMessage(assertThrows(IllegalArgumentException.class, () -> qp.read(ns, 0, 1, impostor, IGNORE, 0)),
                "not allocated by nvme4j");
        real.close();
    }

    @Test
    void memoryThatIsNotADmaBufferOfThisController() {
        var region = new dev.nvme4j.dma.DmaRegion(null, Arena.ofAuto().allocate(4096, 4096), 0x1000);
        DmaBuffer fake = new RegionBuffer(region);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> qp.write(ns, 0, 1, fake, IGNORE, 0)),
                "not allocated by this controller");
    }

    @Test
    void freedBuffer() {
        DmaBuffer b = f.ctrl.allocateBuffer(4096);
        b.close();
        assertMessage(assertThrows(IllegalArgumentException.class, () -> qp.read(ns, 0, 1, b, IGNORE, 0)), "freed");
    }

    @Test
    void misalignedBuffer() {
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> qp.read(ns, 0, 1, buf.slice(2, 1024), IGNORE, 0)), "not dword aligned");
    }

    @Test
    void closedQueuePair() {
        IoQueuePair other = f.ctrl.createQueuePair(4, CompletionMode.POLL);
        other.close();
        assertMessage(assertThrows(IllegalStateException.class, () -> other.read(ns, 0, 1, buf, IGNORE, 0)),
                "is closed");
    }

    @Test
    void closedController() {
        f.ctrl.close();
        assertThrows(IllegalStateException.class, () -> qp.read(ns, 0, 1, buf, IGNORE, 0));
        assertThrows(IllegalStateException.class, () -> f.ctrl.createQueuePair());
    }

    @Test
    void commandTheControllerDoesNotSupport() {
        assertMessage(assertThrows(UnsupportedOperationException.class,
                () -> qp.writeZeroes(ns, 0, 1, IGNORE, 0)), "Write Zeroes is not supported");
        assertMessage(assertThrows(UnsupportedOperationException.class,
                () -> qp.deallocate(ns, 0, 1, IGNORE, 0)), "Dataset Management is not supported");
    }

    @Test
    void inactiveNamespace() {
        Namespace ghost = new Namespace(7, 512, 0, 1000, 1000, 0, false, false);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> qp.read(ghost, 0, 1, buf, IGNORE, 0)),
                "namespace 7 is not active");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> f.ctrl.namespace(7)), "active namespaces: 1");
    }

    @Test
    void queueDepthOutsideTheControllersRange() {
        assertThrows(IllegalArgumentException.class, () -> f.ctrl.createQueuePair(1, CompletionMode.POLL));
        assertThrows(IllegalArgumentException.class, () -> f.ctrl.createQueuePair(1025, CompletionMode.POLL));
    }

    @Test
    void closingAQueuePairFromItsOwnCallbackIsRefused() {
        IllegalStateException[] refused = new IllegalStateException[1];
        qp.read(ns, 0, 1, buf, (tag, st) -> {
            try {
                qp.close();
            } catch (IllegalStateException e) {
                refused[0] = e;
            }
        }, 0);
        qp.poll();
        assertMessage(refused[0], "inside its own callback");
        expectedSubmitted = 1;
    }

    @Test
    void concurrentUseFromTwoThreadsIsDetected() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Throwable> error = new AtomicReference<>();
        // The owner sits inside a callback (inside poll) while another thread submits.
        qp.read(ns, 0, 1, buf, (tag, st) -> {
            inside.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, 0);
        Thread owner = new Thread(() -> qp.poll());
        qp.flushSubmissions();
        owner.start();
        inside.await();
        Thread intruder = new Thread(() -> {
            try {
                qp.read(ns, 1, 1, buf, IGNORE, 0);
            } catch (Throwable t) {
                error.set(t);
            }
        });
        intruder.start();
        intruder.join();
        release.countDown();
        owner.join();
        assertTrue(error.get() instanceof IllegalStateException, String.valueOf(error.get()));
        assertMessage((Exception) error.get(), "one owner thread");
        expectedSubmitted = 1; // the owner's read, and only it
        qp.poll();
    }
}
