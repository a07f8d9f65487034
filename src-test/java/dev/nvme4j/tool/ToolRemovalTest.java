package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerState;
import dev.nvme4j.Nvme;
import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.MockController;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.tool.device.ControllerSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The tool when the device goes away under it (the kernel's device request, as on a
 * hot-unplug): fio stops every job, prints the report so far and the reason, exits 1 without a
 * stack trace; an inspection command fails the same way.
 */
class ToolRemovalTest {
    private final List<MockController> mocks = new ArrayList<>();

    @AfterEach
    void closeMocks() {
        mocks.forEach(MockController::close);
    }

    /** Opens a threaded mock; the kernel asks for it back {@code removeAfter} later (null: at once, before use). */
    private ControllerSource removedAfter(Duration removeAfter) {
        return (device, options) -> {
            MockController mock = Nvme.createMock(MockConfig.builder().mode(ExecutionMode.THREADED)
                    .commandLatency(Duration.ofNanos(50_000)).namespace(NamespaceConfig.ram(1 << 17, 512)).build());
            mocks.add(mock);
            Controller c = Nvme.open(mock, options);
            if (removeAfter == null) {
                mock.faults().requestRemoval();
                await(() -> c.state() == ControllerState.REMOVED);
            } else {
                Thread t = new Thread(() -> {
                    try {
                        Thread.sleep(removeAfter.toMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                    mock.faults().requestRemoval();
                }, "unplug");
                t.setDaemon(true);
                t.start();
            }
            return c;
        };
    }

    private static void await(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out");
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void fioStopsEveryJobReportsTheRunSoFarAndSaysTheDeviceWasRemoved() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            long start = System.nanoTime();
            ToolRun r = ToolRun.run(removedAfter(Duration.ofMillis(700)), "fio", "--name=unplug", "--rw=randrw",
                    "--bs=4k", "--iodepth=8", "--numjobs=2", "--runtime=60", "--time_based", "--size=32m");
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertEquals(1, r.exit(), r.toString());
            assertTrue(seconds < 30, "the 60 s jobs stopped early, after " + seconds + " s");
            assertTrue(r.err().contains("device removed: the kernel requested the device back"), r.toString());
            assertTrue(r.err().contains("every job was stopped"), r.toString());
            assertTrue(r.err().contains("job 'unplug' #0") && r.err().contains("job 'unplug' #1"), r.toString());
            assertTrue(r.err().contains("Host Pathing Error"), r.toString());
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r);
            assertTrue(r.out().contains("unplug: (groupid=0, jobs=1): err="), r.out());
            assertTrue(r.out().matches("(?s).*\\n  read: IOPS=[0-9.]+k?, BW=.*"), "the report so far: " + r.out());
        });
    }

    @Test
    void anInspectionCommandOnARemovedDeviceSaysSoWithoutAStackTrace() {
        ToolRun r = ToolRun.run(removedAfter(null), "smart-log");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("nvme4j: mock:"), r.toString());
        assertTrue(r.err().contains("device removed: the kernel requested the device back"), r.toString());
        assertTrue(r.err().contains("(during smart-log)"), r.toString());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r);
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    }
}
