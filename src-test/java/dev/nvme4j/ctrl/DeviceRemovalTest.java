package dev.nvme4j.ctrl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerCounters;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.ControllerState;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.Nvme;
import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.api.Status;
import dev.nvme4j.mock.MockDevices;
import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.mock.config.FaultMatch;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.MockController;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.spec.Opcodes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The kernel's device request (hot-unplug, unbind) and the PCIe error interrupt, against the
 * mock's request and error interrupts: the controller gives the device up at once, every
 * command completes exactly once with Host Pathing Error, nothing waits for the device.
 */
class DeviceRemovalTest {
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final int REMOVED = NvmeStatus.HOST_PATHING_ERROR.code(true);

    private static MockConfig threaded() {
        return MockConfig.builder().mode(ExecutionMode.THREADED).namespace(NamespaceConfig.ram(1 << 16, 512)).build();
    }

    /** A watchdog that only runs when woken: what happens is the device events' doing, not its rounds. */
    private static ControllerOptions sleepyWatchdog() {
        return ControllerOptions.builder().watchdogPeriod(Duration.ofMinutes(10)).build();
    }

    /** One owner thread per queue pair: submits writes that hang in the device, then processes until they complete. */
    private static final class Owner extends Thread {
        final IoQueuePair qp;
        final Namespace ns;
        final DmaBuffer buf;
        final int commands;
        final AtomicReferenceArray<Integer> status;
        final AtomicInteger[] calls;
        final CountDownLatch submitted = new CountDownLatch(1);
        volatile Throwable failure;
        volatile boolean done;

        Owner(IoQueuePair qp, Namespace ns, DmaBuffer buf) {
            super("owner-" + qp.queueId());
            this.qp = qp;
            this.ns = ns;
            this.buf = buf;
            // Half the queue: a full SQ on a failed controller is the queue layer's own case.
            this.commands = qp.depth() / 2;
            this.status = new AtomicReferenceArray<>(commands);
            this.calls = new AtomicInteger[commands];
            for (int i = 0; i < commands; i++) {
                calls[i] = new AtomicInteger();
            }
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                for (int i = 0; i < commands; i++) {
                    assertTrue(qp.write(ns, i, 1, buf.slice((long) i * 512, 512), (tag, st) -> {
                        status.set((int) tag, st);
                        calls[(int) tag].incrementAndGet();
                    }, i), "room for command " + i);
                }
                qp.flushSubmissions();
                submitted.countDown();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (qp.outstanding() > 0 && System.nanoTime() < deadline) {
                    qp.process(Duration.ofMillis(50));
                }
                done = qp.outstanding() == 0;
            } catch (Throwable t) {
                failure = t;
                submitted.countDown();
            }
        }
    }

    @ParameterizedTest(name = "{0}, {1} queue pair(s)")
    @CsvSource({"POLL, 1", "INTERRUPT, 1", "HYBRID, 1", "POLL, 3", "INTERRUPT, 3", "HYBRID, 3"})
    void aDeviceRequestCompletesEveryCommandOnceWithTheRemovedStatusAndReleasesTheDevice(CompletionMode mode,
            int pairCount) {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockController mock = Nvme.createMock(threaded())) {
                Controller ctrl = Nvme.open(mock, ControllerOptions.defaults());
                List<Owner> owners = new ArrayList<>();
                List<DmaBuffer> bufs = new ArrayList<>();
                Namespace ns = ctrl.namespace(1);
                for (int p = 0; p < pairCount; p++) {
                    IoQueuePair qp = ctrl.createQueuePair(16, mode);
                    mock.faults().hangCommands(FaultMatch.any().queue(qp.queueId()).opcode(Opcodes.NVM_WRITE), false);
                    DmaBuffer buf = ctrl.allocateBuffer(16 * 512);
                    bufs.add(buf);
                    owners.add(new Owner(qp, ns, buf));
                }
                owners.forEach(Thread::start);
                for (Owner o : owners) {
                    assertTrue(o.submitted.await(10, TimeUnit.SECONDS), "owner submitted");
                    assertEquals(null, o.failure);
                }
                Thread.sleep(50); // the device has fetched the commands; they hang there

                long requested = System.nanoTime();
                mock.faults().requestRemoval();
                assertTrue(mock.awaitRelease(Duration.ofSeconds(5)), "the device is released within 5 s of the request");
                long releasedMillis = (System.nanoTime() - requested) / 1_000_000;
                for (Owner o : owners) {
                    o.join(15_000);
                    assertFalse(o.isAlive(), "owner of queue " + o.qp.queueId() + " finished");
                    assertEquals(null, o.failure, "owner of queue " + o.qp.queueId() + " threw");
                    assertTrue(o.done, "every command of queue " + o.qp.queueId() + " completed");
                    for (int i = 0; i < o.commands; i++) {
                        assertEquals(1, o.calls[i].get(), "queue " + o.qp.queueId() + " command " + i + " completed once");
                        assertEquals(REMOVED, o.status.get(i), "queue " + o.qp.queueId() + " command " + i + ": "
                                + Status.describe(o.status.get(i)));
                    }
                }
                assertEquals(ControllerState.REMOVED, ctrl.state());
                assertTrue(ctrl.failureReason().contains("the kernel requested the device back"), ctrl.failureReason());
                ControllerCounters c = ctrl.counters();
                assertEquals(1, c.removals(), c.toString());
                assertTrue(releasedMillis < 5_000, "released after " + releasedMillis + " ms");

                // New I/O is accepted and completes at once, with the same status, on the owner's next poll.
                Owner first = owners.get(0);
                int[] late = {-1, 0};
                assertTrue(first.qp.write(ns, 0, 1, first.buf.slice(0, 512), (tag, st) -> {
                    late[0] = st;
                    late[1]++;
                }, 0));
                assertTrue(first.qp.drain(Duration.ofSeconds(5)), "the new command completes");
                assertEquals(1, late[1]);
                assertEquals(REMOVED, late[0], Status.describe(late[0]));
                // Other calls say what happened.
                IllegalStateException admin = assertThrows(IllegalStateException.class, () -> ctrl.getFeature(7, 0));
                assertTrue(admin.getMessage().contains("device removed"), admin.getMessage());
                assertThrows(IllegalStateException.class, () -> ctrl.createQueuePair(4, mode));
                assertTrue(Status.meaning(REMOVED).contains("removed"), Status.meaning(REMOVED));

                long closing = System.nanoTime();
                ctrl.close();
                ctrl.close();
                long closeMillis = (System.nanoTime() - closing) / 1_000_000;
                assertTrue(closeMillis < 5_000, "close took " + closeMillis + " ms");
                assertEquals(ControllerState.CLOSED, ctrl.state());
                for (Owner o : owners) {
                    o.qp.close(); // idempotent after the controller's close
                }
                mock.assertNoViolations();
            }
        });
    }

    @Test
    void aRequestWithNothingOutstandingReleasesAndIoOnAPairNoOneIsPollingFailsAtItsNextPoll() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockController mock = Nvme.createMock(threaded());
                 Controller ctrl = Nvme.open(mock, ControllerOptions.defaults());
                 IoQueuePair qp = ctrl.createQueuePair(8, CompletionMode.INTERRUPT);
                 DmaBuffer buf = ctrl.allocateBuffer(4096)) {
                qp.writeSync(ctrl.namespace(1), 0, 1, buf.slice(0, 512)); // works before
                mock.faults().requestRemoval();
                assertTrue(mock.awaitRelease(Duration.ofSeconds(5)));
                waitForState(ctrl, ControllerState.REMOVED);
                int[] st = {-1};
                assertTrue(qp.read(ctrl.namespace(1), 0, 1, buf.slice(0, 512), (tag, s) -> st[0] = s, 0));
                assertTrue(qp.drain(Duration.ofSeconds(5)));
                assertEquals(REMOVED, st[0], Status.describe(st[0]));
                RuntimeException noMemory = assertThrows(RuntimeException.class, () -> ctrl.allocateBuffer(4096));
                assertTrue(noMemory.getMessage().contains("removed"), noMemory.getMessage());
            }
        });
    }

    @Test
    void closeWhileARequestIsPendingReleasesTheDeviceToo() {
        assertTimeoutPreemptively(BOUND, () -> {
            MockConfig cfg = MockConfig.builder().mode(ExecutionMode.THREADED).deviceInterrupts(false)
                    .namespace(NamespaceConfig.ram(1 << 16, 512)).build();
            try (MockController mock = Nvme.createMock(cfg)) {
                Controller ctrl = Nvme.open(mock, ControllerOptions.defaults());
                assertFalse(MockDevices.pciFunction(mock).deviceEvents().hasRemovalRequest());
                assertTrue(Thread.getAllStackTraces().keySet().stream()
                        .noneMatch(t -> t.getName().startsWith("nvme4j-device-events-" + ctrl.address())),
                        "no device event thread without the interrupts");
                mock.faults().requestRemoval(); // nobody hears it: the kernel waits for the close
                assertFalse(mock.awaitRelease(Duration.ofMillis(300)));
                assertEquals(ControllerState.READY, ctrl.state());
                ctrl.close();
                MockDevices.pciFunction(mock).close();
                assertTrue(mock.awaitRelease(Duration.ofSeconds(1)), "closing the function gives the device back");
            }
        });
    }

    @Test
    void anErrorInterruptWithFatalStatusResetsTheControllerAndIoContinues() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockController mock = Nvme.createMock(threaded());
                 Controller ctrl = Nvme.open(mock, sleepyWatchdog());
                 IoQueuePair qp = ctrl.createQueuePair(8, CompletionMode.POLL);
                 DmaBuffer buf = ctrl.allocateBuffer(4096)) {
                Thread.sleep(100); // the watchdog's first round is over; it sleeps for minutes now
                mock.faults().setControllerFatalStatus();
                mock.faults().raiseErrorInterrupt();
                waitFor(() -> ctrl.counters().resets() >= 1 && ctrl.state() == ControllerState.READY, "a reset");
                ControllerCounters c = ctrl.counters();
                assertEquals(1, c.errorInterrupts(), c.toString());
                qp.writeSync(ctrl.namespace(1), 0, 1, buf.slice(0, 512));
                qp.readSync(ctrl.namespace(1), 0, 1, buf.slice(512, 512));
            }
        });
    }

    @Test
    void anErrorInterruptAfterTheLinkWasResetResetsTheController() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockController mock = Nvme.createMock(threaded());
                 Controller ctrl = Nvme.open(mock, sleepyWatchdog());
                 IoQueuePair qp = ctrl.createQueuePair(8, CompletionMode.INTERRUPT);
                 DmaBuffer buf = ctrl.allocateBuffer(4096)) {
                Thread.sleep(100);
                // What the kernel's AER recovery does to a frozen link: the function is reset under the driver.
                MockDevices.pciFunction(mock).functionReset();
                mock.faults().raiseErrorInterrupt();
                waitFor(() -> ctrl.counters().resets() >= 1 && ctrl.state() == ControllerState.READY, "a reset");
                qp.writeSync(ctrl.namespace(1), 0, 1, buf.slice(0, 512));
                assertEquals(1, ctrl.counters().errorInterrupts());
            }
        });
    }

    @Test
    void anErrorInterruptFromAnUnreachableDeviceRemovesTheControllerWithTheReason() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockController mock = Nvme.createMock(threaded());
                 Controller ctrl = Nvme.open(mock, sleepyWatchdog());
                 IoQueuePair qp = ctrl.createQueuePair(8, CompletionMode.POLL);
                 DmaBuffer buf = ctrl.allocateBuffer(4096)) {
                Thread.sleep(100);
                mock.faults().hangCommands(FaultMatch.any().queue(1), false);
                int[] st = {-1};
                assertTrue(qp.write(ctrl.namespace(1), 0, 1, buf.slice(0, 512), (tag, s) -> st[0] = s, 0));
                qp.flushSubmissions();
                mock.faults().surpriseRemoval();
                mock.faults().raiseErrorInterrupt();
                waitForState(ctrl, ControllerState.REMOVED);
                assertNotNull(ctrl.failureReason());
                assertTrue(ctrl.failureReason().contains("AER") && ctrl.failureReason().contains("all-ones"),
                        ctrl.failureReason());
                assertTrue(qp.drain(Duration.ofSeconds(5)));
                assertEquals(REMOVED, st[0], Status.describe(st[0]));
                assertEquals(1, ctrl.counters().removals());
                assertEquals(1, ctrl.counters().errorInterrupts());
            }
        });
    }

    @Test
    void anErrorInterruptOnAHealthyControllerIsCountedAndChangesNothing() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockController mock = Nvme.createMock(threaded());
                 Controller ctrl = Nvme.open(mock, sleepyWatchdog());
                 IoQueuePair qp = ctrl.createQueuePair(8, CompletionMode.POLL);
                 DmaBuffer buf = ctrl.allocateBuffer(4096)) {
                mock.faults().raiseErrorInterrupt();
                waitFor(() -> ctrl.counters().errorInterrupts() == 1, "the error interrupt counted");
                qp.writeSync(ctrl.namespace(1), 0, 1, buf.slice(0, 512));
                assertEquals(ControllerState.READY, ctrl.state());
                assertEquals(0, ctrl.counters().resets());
            }
        });
    }

    @Test
    void theRemovalAndTheErrorInterruptAreRecordedAsJfrEventsNamingTheCause() {
        assertTimeoutPreemptively(BOUND, () -> {
            jdk.jfr.Recording recording = new jdk.jfr.Recording();
            recording.enable("dev.nvme4j.Removal");
            recording.enable("dev.nvme4j.ErrorInterrupt");
            recording.enable("dev.nvme4j.StateChange");
            recording.start();
            String address;
            try (MockController mock = Nvme.createMock(threaded());
                 Controller ctrl = Nvme.open(mock, sleepyWatchdog())) {
                address = ctrl.address();
                mock.faults().raiseErrorInterrupt();
                waitFor(() -> ctrl.counters().errorInterrupts() == 1, "the error interrupt");
                mock.faults().requestRemoval();
                assertTrue(mock.awaitRelease(Duration.ofSeconds(5)));
                waitFor(() -> ctrl.counters().removals() == 1, "the removal");
            }
            recording.stop();
            java.nio.file.Path file = java.nio.file.Files.createTempFile("nvme4j", ".jfr");
            recording.dump(file);
            List<jdk.jfr.consumer.RecordedEvent> events = jdk.jfr.consumer.RecordingFile.readAllEvents(file);
            java.nio.file.Files.delete(file);
            List<jdk.jfr.consumer.RecordedEvent> removals = events.stream()
                    .filter(e -> e.getEventType().getName().equals("dev.nvme4j.Removal")).toList();
            assertEquals(1, removals.size(), events.toString());
            assertEquals(address, removals.get(0).getString("address"));
            assertTrue(removals.get(0).getString("cause").contains("the kernel requested the device back"),
                    removals.get(0).toString());
            List<jdk.jfr.consumer.RecordedEvent> errors = events.stream()
                    .filter(e -> e.getEventType().getName().equals("dev.nvme4j.ErrorInterrupt")).toList();
            assertEquals(1, errors.size(), events.toString());
            assertEquals("checked", errors.get(0).getString("action"));
            assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("dev.nvme4j.StateChange")
                    && "REMOVED".equals(e.getString("state"))), events.toString());
        });
    }

    private static void waitForState(Controller ctrl, ControllerState state) throws InterruptedException {
        waitFor(() -> ctrl.state() == state, "state " + state + " (is " + ctrl.state() + ")");
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(5);
        }
    }
}
