package dev.nvme4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.Nvme;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.FabricsOptions;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.spec.NvmeRegs;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admin connection's background traffic. Keep Alive only while the controller is enabled (CC.EN = 1 and CSTS.RDY = 1): an NVMe over
 * Fabrics target rejects every admin command but the Fabrics ones while CC.EN is 0 (nvmet: "got
 * cmd 24 while CC.EN == 0", Command Sequence Error), and a shutdown clears CC. The fake target
 * does the same and records each command it had to reject. And the watchdog's CSTS check, a
 * round trip over TCP, goes to the target at most once a second while the controller is ready.
 */
class TcpKeepAliveTest {
    private static final int KATO_MILLIS = 200;
    private FakeTcpTarget target;

    @BeforeEach
    void start() throws IOException {
        target = new FakeTcpTarget(2048);
    }

    @AfterEach
    void stop() throws IOException {
        target.close();
        assertEquals(List.of(), target.errors, "the fake target saw no protocol error from the host");
    }

    private static TcpOptions options() {
        return TcpOptions.defaults().withTimeouts(5, 5, TimeUnit.SECONDS).withKeepAliveMillis(KATO_MILLIS);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadline < 0, "within 20 s: " + what);
            Thread.sleep(5);
        }
    }

    @Test
    void noKeepAliveBeforeTheEnableNorAfterTheShutdownOfAnAssociation() throws Exception {
        // The shared driver's association: connected, Keep Alive timer running, not enabled yet.
        try (TcpController c = TcpController.associate(target.address(), FakeTcpTarget.SUBNQN, options(), 32)) {
            await(() -> c.keepAliveTicks() >= 3, "three Keep Alive periods before the enable");
            assertEquals(List.of(), target.commandsWhileDisabled, "admin commands sent while CC.EN = 0");
            assertEquals(0, target.keepAlives.get());

            int cc = NvmeRegs.cc(0, 0, 0, 6, 4);
            c.propertySet(NvmeRegs.CC, false, cc);
            c.propertySet(NvmeRegs.CC, false, cc | NvmeRegs.CC_EN);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while ((c.propertyGet(NvmeRegs.CSTS, false) & NvmeRegs.CSTS_RDY) == 0) {
                assertTrue(System.nanoTime() - deadline < 0, "CSTS.RDY within 20 s");
                Thread.sleep(5);
            }
            await(() -> target.keepAlives.get() >= 2, "Keep Alives once enabled and ready");
            assertEquals(List.of(), target.commandsWhileDisabled, "admin commands sent while CC.EN = 0");

            c.propertySet(NvmeRegs.CC, false, cc | NvmeRegs.CC_EN | (NvmeRegs.CC_SHN_NORMAL << NvmeRegs.CC_SHN_SHIFT));
            int ticks = c.keepAliveTicks();
            await(() -> c.keepAliveTicks() >= ticks + 3, "three Keep Alive periods after the shutdown");
            assertEquals(List.of(), target.commandsWhileDisabled, "admin commands sent after CC.SHN (CC cleared)");
        }
    }

    @Test
    void theSharedDriverKeepsItsControllerAliveAndSendsNothingTheTargetRejects() throws Exception {
        ControllerOptions o = ControllerOptions.builder().ioTimeout(Duration.ofSeconds(5))
                .adminTimeout(Duration.ofSeconds(5)).maxIoQueuePairs(1).ioQueueDepth(8).build();
        FabricsOptions f = FabricsOptions.builder().keepAlive(Duration.ofSeconds(1)).build();
        String uri = "tcp://127.0.0.1:" + target.address().getPort() + "/" + FakeTcpTarget.SUBNQN;
        try (Controller c = Nvme.open(uri, o, f);
                IoQueuePair qp = c.createQueuePair();
                DmaBuffer buf = c.allocateBuffer(4096)) {
            int before = target.keepAlives.get();
            await(() -> target.keepAlives.get() >= before + 3, "three Keep Alives of the enabled controller");
            qp.readSync(c.namespace(1), 0, 8, buf);
        }
        assertEquals(List.of(), target.commandsWhileDisabled, "admin commands sent while CC.EN = 0");
    }

    @Test
    void theWatchdogReadsCstsOverTheWireAtMostOnceASecondWhileTheControllerIsReady() throws Exception {
        // The watchdog checks CSTS every 100 ms by default; over TCP each check was a Property Get round trip.
        ControllerOptions o = ControllerOptions.builder().ioTimeout(Duration.ofSeconds(5))
                .adminTimeout(Duration.ofSeconds(5)).maxIoQueuePairs(1).ioQueueDepth(8)
                .watchdogPeriod(Duration.ofMillis(50)).build();
        String uri = "tcp://127.0.0.1:" + target.address().getPort() + "/" + FakeTcpTarget.SUBNQN;
        try (Controller c = Nvme.open(uri, o, FabricsOptions.defaults());
                IoQueuePair qp = c.createQueuePair();
                DmaBuffer buf = c.allocateBuffer(4096)) {
            int before = target.cstsReads.get();
            long start = System.nanoTime();
            Thread.sleep(2500);
            int reads = target.cstsReads.get() - before;
            long seconds = Math.max(1, (System.nanoTime() - start) / 1_000_000_000L);
            assertTrue(reads >= 1, "CSTS is still read from the target now and then: " + reads);
            assertTrue(reads <= seconds + 1, reads + " Property Gets of CSTS in " + seconds + " s (watchdog every 50 ms)");
            qp.readSync(c.namespace(1), 0, 8, buf);
        }
    }
}
