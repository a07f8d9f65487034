package dev.nvme4j.mock;

import static org.junit.jupiter.api.Assertions.*;

import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.spec.NvmeRegs;
import dev.nvme4j.spec.Opcodes;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Disable, shutdown, deterministic stepping and the threaded device. */
class MockLifecycleTest {
    private static Cmd flush() {
        return Cmd.of(Opcodes.NVM_FLUSH).nsid(1);
    }

    @Test
    void disablingDeletesTheIoQueues() {
        try (MockHost h = MockHost.ready()) {
            h.ioQueue(1, 16);
            h.regs.write32(NvmeRegs.CC, 0);
            assertFalse(NvmeRegs.cstsRdy(h.csts()));
            h.enable(8, 8);
            assertTrue(h.waitReady(Duration.ofSeconds(1)));
            DmaRegion m = h.alloc(4096);
            assertTrue(h.adminCmd(MockHost.createCq(1, 16, m.iova(), true, 0)).ok(), "queue 1 is free again");
            h.ctrl.assertNoViolations();
        }
    }

    @Test
    void normalShutdownCompletes() {
        try (MockHost h = MockHost.ready()) {
            int cc = h.regs.read32(NvmeRegs.CC);
            h.regs.write32(NvmeRegs.CC, cc | (NvmeRegs.CC_SHN_NORMAL << NvmeRegs.CC_SHN_SHIFT));
            assertEquals(NvmeRegs.SHST_COMPLETE, NvmeRegs.cstsShst(h.csts()));
        }
    }

    @Test
    void withoutRunOnDoorbellNothingHappensUntilStep() {
        try (MockHost h = MockHost.ready(MockConfig.builder().runOnDoorbell(false).build())) {
            h.admin.submit(Cmd.of(Opcodes.ADMIN_GET_FEATURES).cdw10(Opcodes.FEAT_ARBITRATION));
            h.admin.submit(Cmd.of(Opcodes.ADMIN_GET_FEATURES).cdw10(Opcodes.FEAT_ARBITRATION));
            assertNull(h.admin.poll());
            assertTrue(h.ctrl.step());
            assertNotNull(h.admin.poll());
            assertNull(h.admin.poll());
            assertEquals(1, h.ctrl.runUntilIdle());
            assertNotNull(h.admin.poll());
            assertFalse(h.ctrl.step());
        }
    }

    @Test
    void stepIsRefusedInThreadedMode() {
        try (MockHost h = new MockHost(MockConfig.builder().mode(ExecutionMode.THREADED).build())) {
            assertThrows(IllegalStateException.class, h.ctrl::step);
        }
    }

    @Test
    void theThreadedDeviceCompletesCommandsAndSignalsVectors() {
        MockConfig cfg = MockConfig.builder().mode(ExecutionMode.THREADED).commandLatency(Duration.ofNanos(200_000)).build();
        try (MockHost h = MockHost.ready(cfg)) {
            HostQueue q = h.ioQueue(1, 64, 1);
            DmaRegion out = h.alloc(4096);
            out.segment().fill((byte) 0x5D);
            assertTrue(q.execute(Cmd.of(Opcodes.NVM_WRITE).nsid(1).prp1(out.iova()).lba(3, 8)).ok());
            assertTrue(h.vectors[1].await(Duration.ofSeconds(5).toNanos()));
            DmaRegion in = h.alloc(4096);
            long t0 = System.nanoTime();
            assertTrue(q.execute(Cmd.of(Opcodes.NVM_READ).nsid(1).prp1(in.iova()).lba(3, 8)).ok());
            assertTrue(System.nanoTime() - t0 >= 200_000, "the latency is applied");
            assertEquals((byte) 0x5D, in.segment().get(ValueLayout.JAVA_BYTE, 4095));
            h.ctrl.assertNoViolations();
        }
    }

    @Test
    void theThreadedDeviceKeepsUpWithManyOutstandingCommands() {
        MockConfig cfg = MockConfig.builder().mode(ExecutionMode.THREADED).build();
        try (MockHost h = MockHost.ready(cfg)) {
            HostQueue q = h.ioQueue(1, 64, 1);
            int done = 0;
            int submitted = 0;
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (done < 5000 && System.nanoTime() < end) {
                while (submitted - done < 32) {
                    q.push(flush());
                    submitted++;
                }
                q.ringSq();
                Cqe c;
                while ((c = q.poll()) != null) {
                    assertTrue(c.ok());
                    done++;
                }
                q.releaseCq();
            }
            assertTrue(done >= 5000, "completed " + done);
            h.ctrl.assertNoViolations();
        }
    }

    @Test
    void closeStopsTheDeviceThread() throws Exception {
        MockController0 probe = new MockController0();
        MockHost h = MockHost.ready(MockConfig.builder().mode(ExecutionMode.THREADED).serialNumber(probe.name).build());
        assertTrue(probe.alive());
        h.close();
        assertFalse(probe.alive());
        h.close(); // idempotent
    }

    /** Finds the device thread by its name. */
    private static final class MockController0 {
        final String name = "CLOSE-" + System.nanoTime() % 100000;

        boolean alive() {
            return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().endsWith(name) && t.isAlive());
        }
    }

    @Test
    void theDeterministicNullStorePathAllocatesNothingPerCommand() {
        MockConfig cfg = MockConfig.builder().namespace(NamespaceConfig.nullStore(1L << 30, 512)).build();
        try (MockHost h = MockHost.ready(cfg)) {
            DmaRegion cqm = h.alloc(64 * 16);
            DmaRegion sqm = h.alloc(64 * 64);
            assertTrue(h.adminCmd(MockHost.createCq(1, 64, cqm.iova(), false, 0)).ok());
            assertTrue(h.adminCmd(MockHost.createSq(1, 64, sqm.iova(), 1)).ok());
            HostQueue q = new HostQueue(h.regs, h.dstrd, 1, sqm, 64, 1, cqm, 64);
            DmaRegion buf = h.alloc(4096);
            Cmd read = Cmd.of(Opcodes.NVM_READ).nsid(1).prp1(buf.iova()).lba(0, 8).cid(1);
            var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            for (int round = 0; round < 2; round++) {
                long before = mx.getCurrentThreadAllocatedBytes();
                long t0 = System.nanoTime();
                int n = 200_000;
                for (int i = 0; i < n; i++) {
                    q.push(read);
                    q.ringSq();
                    q.cqHead = (q.cqHead + 1) % 64;
                    if (q.cqHead == 0) {
                        q.phase ^= 1;
                    }
                    q.releaseCq();
                }
                long perCmd = (mx.getCurrentThreadAllocatedBytes() - before) / n;
                double mps = n / ((System.nanoTime() - t0) / 1e3);
                if (round == 1) {
                    assertTrue(perCmd < 8, "bytes allocated per command: " + perCmd + " (" + mps + " M commands/s)");
                }
            }
            assertEquals(400_000, h.ctrl.counters().ioCommands());
        }
    }
}
