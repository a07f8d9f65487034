package dev.nvme4j.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.ControllerState;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.Nvme;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.MockController;
import dev.nvme4j.mock.config.NamespaceConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Errors of a file-backed namespace's file (a full disk, an I/O error) complete the command with
 * an NVMe media or internal error status; nothing escapes from the driver's poll() or kills the
 * mock's device thread, and the controller stays up.
 */
class MockStoreErrorsTest {
    /** Short, so that a lost command fails the test in seconds rather than after the default 30 s. */
    private static final ControllerOptions OPTIONS = ControllerOptions.builder()
            .ioTimeout(Duration.ofSeconds(2)).build();

    private static MockController mock(Path file, ExecutionMode mode) {
        return Nvme.createMock(MockConfig.builder().mode(mode)
                .namespace(NamespaceConfig.file(file, 1024, 4096)).build());
    }

    private static int status(Runnable op) {
        return assertThrows(NvmeException.class, op::run).status();
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void aFullDiskIsAWriteFaultAndTheControllerStaysUp(ExecutionMode mode) {
        Path full = Path.of("/dev/full");
        assumeTrue(Files.isWritable(full), "/dev/full is needed");
        try (MockController m = mock(full, mode); Controller c = Nvme.open(m, OPTIONS)) {
            Namespace ns = c.namespace(1);
            try (IoQueuePair qp = c.createQueuePair(); DmaBuffer buf = c.allocateBuffer(8192)) {
                int st = status(() -> qp.writeSync(ns, 0, 2, buf));
                assertEquals(NvmeStatus.WRITE_FAULT.code(true), st, dev.nvme4j.api.Status.describe(st));
                qp.readSync(ns, 0, 2, buf); // /dev/full reads as zeros: the queue and device still work
                st = status(() -> qp.writeSync(ns, 8, 1, buf));
                assertEquals(NvmeStatus.WRITE_FAULT.code(true), st, "every write, not only the first");
                st = status(() -> qp.flushSync(ns));
                assertEquals(NvmeStatus.INTERNAL_ERROR.code(true), st, dev.nvme4j.api.Status.describe(st));
            }
            assertEquals(ControllerState.READY, c.state());
            assertEquals(0, c.counters().resets(), "no recovery was needed");
            m.assertNoViolations();
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void aReadErrorIsAnUnrecoveredReadError(ExecutionMode mode) {
        // Reading this process's memory file at address 0 fails with EIO.
        Path mem = Path.of("/proc/self/mem");
        assumeTrue(Files.isWritable(mem), "/proc/self/mem is needed");
        try (MockController m = mock(mem, mode); Controller c = Nvme.open(m, OPTIONS)) {
            Namespace ns = c.namespace(1);
            try (IoQueuePair qp = c.createQueuePair(); DmaBuffer buf = c.allocateBuffer(4096)) {
                int st = status(() -> qp.readSync(ns, 0, 1, buf));
                assertEquals(NvmeStatus.UNRECOVERED_READ_ERROR.code(true), st, dev.nvme4j.api.Status.describe(st));
                st = status(() -> qp.writeSync(ns, 0, 1, buf));
                assertEquals(NvmeStatus.WRITE_FAULT.code(true), st, dev.nvme4j.api.Status.describe(st));
                st = status(() -> qp.readSync(ns, 0, 1, buf));
                assertEquals(NvmeStatus.UNRECOVERED_READ_ERROR.code(true), st, "the device thread is alive");
            }
            assertEquals(ControllerState.READY, c.state());
            assertEquals(0, c.counters().resets());
        }
    }
}
