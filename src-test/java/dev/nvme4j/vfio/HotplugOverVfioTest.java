package dev.nvme4j.vfio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerState;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.Nvme;
import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.api.Status;
import dev.nvme4j.tool.Main;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Hot-unplug, unbind and removal of QEMU's controller while I/O runs ({@code tools/vm-run
 * --hotplug}: a controller on a PCIe root port, unplugged and re-plugged through QEMU's monitor
 * on request of the test). Each case: I/O on every queue pair keeps the queues full; the device
 * goes away (QMP {@code device_del}, a sysfs unbind from vfio-pci, or a sysfs remove); within
 * 10 s of that request the kernel has finished the removal and every command has completed
 * exactly once, either before the removal with success or with Host Pathing Error; the controller
 * is REMOVED and closes at once; then the device comes back (re-plug, rebind, rescan) and is
 * opened again in the same process and identified.
 */
@Tag("vfio")
class HotplugOverVfioTest {
    private static final long BOUND_NANOS = 10_000_000_000L;
    private static final int REMOVED = NvmeStatus.HOST_PATHING_ERROR.code(true);
    private static final String SERIAL = "nvme4j-hp";

    /** One owner thread per queue pair keeping its queue full of 4 KiB reads and writes until the device is gone. */
    private static final class Owner extends Thread {
        final IoQueuePair qp;
        final Namespace ns;
        final DmaBuffer buf;
        final int slots;
        final boolean[] inFlight;
        final long[] submittedCount;
        long completions;
        long succeeded;
        long removed;
        long doubles;
        long other;
        String firstOther;
        volatile boolean started;
        volatile long finishedAt;
        volatile Throwable failure;
        private boolean gone;

        Owner(IoQueuePair qp, Namespace ns, DmaBuffer buf) {
            super("hotplug-owner-" + qp.queueId() + "-" + qp.mode());
            this.qp = qp;
            this.ns = ns;
            this.buf = buf;
            this.slots = qp.depth() - 1;
            this.inFlight = new boolean[slots];
            this.submittedCount = new long[1];
            setDaemon(true);
        }

        private void complete(long tag, int status) {
            int slot = (int) tag;
            if (!inFlight[slot]) {
                doubles++;
            }
            inFlight[slot] = false;
            completions++;
            if (status == 0) {
                succeeded++;
            } else if (status == REMOVED) {
                removed++;
                gone = true;
            } else {
                other++;
                if (firstOther == null) {
                    firstOther = Status.describe(status);
                }
                gone = true;
            }
        }

        private void submit(int slot) {
            long lba = (long) (qp.queueId() * 997 + slot * 8) % (ns.sizeBlocks() - 8);
            DmaBuffer b = buf.slice((long) slot * 4096, 4096);
            inFlight[slot] = true;
            boolean accepted = (slot & 1) == 0 ? qp.write(ns, lba, 4096 / ns.lbaSize(), b, this::complete, slot)
                    : qp.read(ns, lba, 4096 / ns.lbaSize(), b, this::complete, slot);
            if (accepted) {
                submittedCount[0]++;
            } else {
                inFlight[slot] = false;
            }
        }

        @Override
        public void run() {
            try {
                long deadline = System.nanoTime() + 120_000_000_000L;
                while (System.nanoTime() < deadline) {
                    if (!gone) {
                        for (int s = 0; s < slots; s++) {
                            if (!inFlight[s]) {
                                submit(s);
                            }
                        }
                    }
                    if (completions > 100) {
                        started = true;
                    }
                    if (gone && qp.outstanding() == 0) {
                        break;
                    }
                    qp.process(java.time.Duration.ofMillis(5));
                }
            } catch (Throwable t) {
                failure = t;
            } finally {
                finishedAt = System.nanoTime();
            }
        }

        void check() {
            String q = "queue pair " + qp.queueId() + " (" + qp.mode() + ")";
            assertNull(failure, q + " owner threw: " + failure);
            assertEquals(0, qp.outstanding(), q + ": every command completed");
            assertEquals(submittedCount[0], completions, q + ": one completion per command");
            assertEquals(0, doubles, q + ": no command completed twice");
            assertEquals(0, other, q + ": only success or Host Pathing Error, first other: " + firstOther);
            assertTrue(succeeded > 0, q + ": I/O ran before the removal");
            assertTrue(removed > 0, q + ": commands in flight at the removal completed with Host Pathing Error");
        }
    }

    private enum How { QMP_DEVICE_DEL, SYSFS_UNBIND, SYSFS_REMOVE }

    private static void removeDuringIo(How how, CompletionMode... modes) throws Exception {
        String address = VmHotplug.address();
        VmHotplug.ensurePluggedAndBound(address);
        Controller ctrl = Nvme.open(address);
        List<Owner> owners = new ArrayList<>();
        List<DmaBuffer> buffers = new ArrayList<>();
        try {
            assertEquals(SERIAL, ctrl.info().serialNumber().trim());
            Namespace ns = ctrl.namespace(1);
            for (CompletionMode mode : modes) {
                IoQueuePair qp = ctrl.createQueuePair(16, mode);
                DmaBuffer buf = ctrl.allocateBuffer(16 * 4096);
                buffers.add(buf);
                owners.add(new Owner(qp, ns, buf));
            }
            owners.forEach(Thread::start);
            VmHotplug.waitFor(() -> owners.stream().allMatch(o -> o.started || o.failure != null), "I/O on every pair");

            long requested = System.nanoTime();
            AtomicReference<Throwable> removalFailure = new AtomicReference<>();
            long[] removalDone = {0};
            Thread removal = new Thread(() -> {
                try {
                    switch (how) {
                        case QMP_DEVICE_DEL -> VmHotplug.request("unplug");
                        case SYSFS_UNBIND -> VmHotplug.unbindFromVfio(address);
                        case SYSFS_REMOVE -> VmHotplug.removeThroughSysfs(address);
                    }
                    removalDone[0] = System.nanoTime();
                } catch (Throwable t) {
                    removalFailure.set(t);
                }
            }, "removal");
            removal.setDaemon(true);
            removal.start();
            for (Owner o : owners) {
                o.join(Math.max(1, (requested + BOUND_NANOS - System.nanoTime()) / 1_000_000));
            }
            long releasedAt = 0; // when the function left vfio-pci (unbind) or sysfs (remove, unplug)
            while (releasedAt == 0 && System.nanoTime() - requested < BOUND_NANOS) {
                if (how == How.SYSFS_UNBIND ? VmHotplug.driver(address).isEmpty() : !VmHotplug.present(address)) {
                    releasedAt = System.nanoTime();
                } else {
                    Thread.sleep(5);
                }
            }
            removal.join(Math.max(1, (requested + BOUND_NANOS - System.nanoTime()) / 1_000_000));
            long ioMillis = owners.stream().mapToLong(o -> o.finishedAt == 0 ? Long.MAX_VALUE : o.finishedAt - requested)
                    .max().orElse(0) / 1_000_000;
            System.out.printf("%s %s on %s: all I/O completed after %d ms, the kernel let go of the function after"
                    + " %d ms, removal done after %d ms; %s%n", how, List.of(modes), address, ioMillis,
                    releasedAt == 0 ? -1 : (releasedAt - requested) / 1_000_000,
                    removalDone[0] == 0 ? -1 : (removalDone[0] - requested) / 1_000_000, owners.stream().map(o -> o.qp.mode() + ": " + o.succeeded + " ok, " + o.removed
                            + " removed").toList());
            assertNull(removalFailure.get(), "the removal request failed: " + removalFailure.get());
            assertFalse(removal.isAlive(), how + " did not complete within 10 s: the driver did not let the device go");
            for (Owner o : owners) {
                assertFalse(o.isAlive(), "queue pair " + o.qp.queueId() + " (" + o.qp.mode() + ") still had I/O 10 s"
                        + " after the removal request");
                o.check();
            }
            assertEquals(ControllerState.REMOVED, ctrl.state());
            assertTrue(ctrl.failureReason().contains("the kernel requested the device back"), ctrl.failureReason());
            assertEquals(1, ctrl.counters().removals());
        } finally {
            long closing = System.nanoTime();
            ctrl.close();
            long closeMillis = (System.nanoTime() - closing) / 1_000_000;
            assertTrue(closeMillis < 5_000, "close after the removal took " + closeMillis + " ms");
        }
        comeBack(how, address);
        reopenAndIdentify(address);
    }

    private static void comeBack(How how, String address) {
        switch (how) {
            case QMP_DEVICE_DEL -> {
                VmHotplug.waitFor(() -> !VmHotplug.present(address), address + " to be gone after device_del");
                VmHotplug.request("replug");
            }
            case SYSFS_UNBIND -> assertTrue(VmHotplug.present(address), "an unbound function stays in the machine");
            case SYSFS_REMOVE -> {
                assertFalse(VmHotplug.present(address), address + " is gone after remove");
                VmHotplug.rescan();
            }
        }
        VmHotplug.bindToVfio(address);
    }

    /** The function that came back opens in this same process (a fresh container and group) and works. */
    private static void reopenAndIdentify(String address) {
        try (Controller again = Nvme.open(address);
             IoQueuePair qp = again.createQueuePair(8, CompletionMode.INTERRUPT);
             DmaBuffer buf = again.allocateBuffer(8192)) {
            assertEquals(ControllerState.READY, again.state());
            assertEquals(SERIAL, again.info().serialNumber().trim());
            assertTrue(again.info().modelNumber().contains("QEMU"), again.info().modelNumber());
            Namespace ns = again.namespace(1);
            VmDevices.fill(buf.slice(0, 4096), 77);
            qp.writeSync(ns, 64, 4096 / ns.lbaSize(), buf.slice(0, 4096));
            qp.readSync(ns, 64, 4096 / ns.lbaSize(), buf.slice(4096, 4096));
            VmDevices.assertPattern(buf.slice(4096, 4096), 77, "read back after the re-plug");
        }
    }

    @Test
    void hotUnplugDuringIoOnThreePairsPollInterruptAndHybridThenReplug() throws Exception {
        removeDuringIo(How.QMP_DEVICE_DEL, CompletionMode.POLL, CompletionMode.INTERRUPT, CompletionMode.HYBRID);
    }

    @Test
    void hotUnplugDuringIoOnOneInterruptPairThenReplug() throws Exception {
        removeDuringIo(How.QMP_DEVICE_DEL, CompletionMode.INTERRUPT);
    }

    @Test
    void unbindFromVfioPciDuringIoOnOneHybridPairThenRebind() throws Exception {
        removeDuringIo(How.SYSFS_UNBIND, CompletionMode.HYBRID);
    }

    @Test
    void sysfsRemoveDuringIoOnOnePollPairThenRescan() throws Exception {
        removeDuringIo(How.SYSFS_REMOVE, CompletionMode.POLL);
    }

    @Test
    void fioStopsEveryJobAndReportsWhenTheDeviceIsUnplugged() throws Exception {
        String address = VmHotplug.address();
        VmHotplug.ensurePluggedAndBound(address);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicReference<Throwable> unplugFailure = new AtomicReference<>();
        long[] requested = {0};
        Thread unplug = new Thread(() -> {
            try {
                // Once the jobs run (the tool's job threads exist), plus a second of I/O.
                VmHotplug.waitFor(() -> Thread.getAllStackTraces().keySet().stream()
                        .anyMatch(t -> t.getName().startsWith("nvme4j-job-unplugged-")), "fio's jobs to start");
                Thread.sleep(1_000);
                requested[0] = System.nanoTime();
                VmHotplug.request("unplug");
            } catch (Throwable t) {
                unplugFailure.set(t);
            }
        }, "unplug");
        unplug.setDaemon(true);
        unplug.start();
        int exit = Main.run(new Main(), new PrintWriter(out, true), new PrintWriter(err, true), "fio",
                "--device=" + address, "--name=unplugged", "--rw=randrw", "--bs=4k", "--iodepth=8", "--numjobs=2",
                "--runtime=120", "--time_based", "--eta=never");
        long afterRequest = requested[0] == 0 ? -1 : (System.nanoTime() - requested[0]) / 1_000_000;
        unplug.join(15_000);
        String result = "exit " + exit + "\n--- out\n" + out + "\n--- err\n" + err;
        System.out.println("fio ended " + afterRequest + " ms after the unplug request:\n" + result);
        assertNull(unplugFailure.get(), "unplug: " + unplugFailure.get());
        assertEquals(1, exit, result);
        assertTrue(afterRequest >= 0 && afterRequest < BOUND_NANOS / 1_000_000, "fio ended " + afterRequest
                + " ms after the unplug request");
        assertTrue(err.toString().contains("device removed: the kernel requested the device back"), result);
        assertTrue(err.toString().contains("job 'unplugged' #0") && err.toString().contains("job 'unplugged' #1"), result);
        assertFalse(err.toString().contains("\tat "), "no stack trace: " + result);
        assertTrue(out.toString().contains("unplugged: (groupid=0, jobs=1): err="), result);
        assertTrue(out.toString().contains("  read: IOPS="), "the report of the run so far: " + result);
        comeBack(How.QMP_DEVICE_DEL, address);
        reopenAndIdentify(address);
    }
}
