package dev.nvme4j.vfio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.api.AsyncEvent;
import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerState;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.NamespaceChanges;
import dev.nvme4j.Nvme;
import dev.nvme4j.spec.Opcodes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link Controller#reset()} on QEMU's controller: the features read back after it equal those
 * before it, the open queue pairs carry on, and an asynchronous event raised after it reaches
 * the listener. Runs inside the test VM ({@code tools/vm-test}).
 */
@Tag("vfio")
class StateAfterResetOverVfioTest {
    /** Temperature Threshold (Base 5.27.1.4): TMPTH in bits 15:0 (Kelvin), THSEL 01b in bits 21:20 for "under". */
    private static final int TEMP = Opcodes.FEAT_TEMPERATURE_THRESHOLD;
    private static final int UNDER = 1 << 20;
    private static final int[] FEATURES = {Opcodes.FEAT_ARBITRATION, Opcodes.FEAT_VOLATILE_WRITE_CACHE,
            Opcodes.FEAT_NUMBER_OF_QUEUES, Opcodes.FEAT_INTERRUPT_COALESCING, Opcodes.FEAT_ASYNC_EVENT_CONFIG};

    /** The features above, and both temperature thresholds of the composite sensor. */
    private static Map<String, Integer> features(Controller c) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int fid : FEATURES) {
            m.put(Opcodes.featureName(fid), c.getFeature(fid, 0));
        }
        m.put("over-temperature threshold", c.getFeature(TEMP, 0) & 0xFFFF);
        m.put("under-temperature threshold", c.getFeature(TEMP, UNDER) & 0xFFFF);
        return m;
    }

    @Test
    void resetKeepsFeaturesQueuePairsAndAsyncEvents() throws InterruptedException {
        try (Controller ctrl = Nvme.open(VmDevices.first())) {
            BlockingQueue<AsyncEvent> events = new ArrayBlockingQueue<>(16);
            ctrl.setAsyncEventListener(events::add);
            Namespace ns = ctrl.namespace(1);
            // QEMU lets the host change AEC, VWC (when it has one) and the temperature thresholds;
            // arbitration and interrupt coalescing are Feature Not Changeable there.
            int over = ctrl.getFeature(TEMP, 0) & 0xFFFF;
            int under = ctrl.getFeature(TEMP, UNDER) & 0xFFFF;
            if (ctrl.info().volatileWriteCache()) {
                ctrl.setFeature(Opcodes.FEAT_VOLATILE_WRITE_CACHE, 0);
            }
            ctrl.setFeature(TEMP, over + 9);   // still above the current temperature: no event
            ctrl.setFeature(TEMP, UNDER | 0x0101);
            try (IoQueuePair polled = ctrl.createQueuePair(32, CompletionMode.POLL);
                 IoQueuePair irq = ctrl.createQueuePair(64, CompletionMode.INTERRUPT);
                 DmaBuffer out = ctrl.allocateBuffer(16384);
                 DmaBuffer in = ctrl.allocateBuffer(16384)) {
                int blocks = 16384 / ns.lbaSize();
                VmDevices.fill(out, 1201);
                polled.writeSync(ns, 4096, blocks, out);
                Map<String, Integer> before = features(ctrl);
                System.out.printf("features before the reset: %s%n", before);
                assertEquals(over + 9, before.get("over-temperature threshold"));
                assertEquals(0x0101, before.get("under-temperature threshold"));

                ctrl.reset();

                assertEquals(ControllerState.READY, ctrl.state());
                Map<String, Integer> after = features(ctrl);
                System.out.printf("features after the reset: %s; counters %s; not restored %s%n", after,
                        ctrl.counters(), ctrl.featureRestoreFailures());
                assertEquals(before, after, "features read back after the reset");
                assertEquals(List.of(), ctrl.featureRestoreFailures());
                assertEquals(1, ctrl.counters().resets());
                // AEC (the driver), the two thresholds, and VWC where QEMU has one.
                assertTrue(ctrl.counters().featuresRestored() >= 3, ctrl.counters().toString());
                irq.readSync(ns, 4096, blocks, in);
                VmDevices.assertPattern(in, 1201, "read after the reset on the interrupt-mode pair");
                VmDevices.fill(out, 1202);
                polled.writeSync(ns, 4096 + blocks, blocks, out);
                irq.readSync(ns, 4096 + blocks, blocks, in);
                VmDevices.assertPattern(in, 1202, "written on the polled pair after the reset");

                // An over-temperature threshold below the current temperature raises a SMART /
                // Health event (QEMU checks AEC first): it reaches the listener only if the reset
                // restored AEC and re-armed the Asynchronous Event Requests.
                events.clear();
                ctrl.setFeature(TEMP, 0x0100);
                AsyncEvent e = events.poll(15, TimeUnit.SECONDS);
                System.out.printf("event after the reset: %s%n", e);
                assertNotNull(e, "an async event raised after the reset reaches the listener");
                assertEquals(AsyncEvent.TYPE_SMART_HEALTH, e.type());
                assertEquals(Opcodes.LOG_SMART_HEALTH, e.logPageId());
            } finally {
                ctrl.setFeature(TEMP, over);
                ctrl.setFeature(TEMP, UNDER | under);
            }
        }
    }

    @Test
    void rescanOfAnUnchangedControllerFindsNothing() {
        try (Controller ctrl = Nvme.open(VmDevices.first())) {
            List<Namespace> before = ctrl.namespaces();
            NamespaceChanges changes = ctrl.rescanNamespaces();
            System.out.printf("rescan: %s%n", changes);
            assertTrue(changes.isEmpty(), changes.toString());
            assertEquals(before, ctrl.namespaces());
            assertEquals(0, ctrl.counters().namespaceChanges());
        }
    }
}
