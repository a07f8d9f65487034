package dev.nvme4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.tool.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The tool's commands with {@code --device=tcp://HOST:PORT/SUBNQN}, against the fake target. */
class TcpToolTest {
    private record Run(int exit, String out, String err) {
    }

    private FakeTcpTarget target;

    @BeforeEach
    void start() throws Exception {
        target = new FakeTcpTarget(4096);
    }

    @AfterEach
    void stop() throws Exception {
        target.close();
    }

    private String device() {
        return "--device=tcp://127.0.0.1:" + target.server.getLocalPort() + "/" + FakeTcpTarget.SUBNQN;
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new Main(), new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void fioVerifyRunsOverTcp() {
        Run r = run("fio", device(), "--rw=randwrite", "--bs=4k", "--iodepth=8", "--size=1m", "--verify=crc32c",
                "--name=tcp");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("verify       : crc32c, blocks=2048, bad=0"), r.out());
        boolean written = false;
        for (byte b : java.util.Arrays.copyOf(target.media, 1 << 20)) {
            written |= b != 0;
        }
        assertTrue(written, "the stamped blocks reached the target's media");
    }

    @Test
    void fioOverTcpBlocksOnTheSocketByDefaultAndTakesAnyMode() {
        Run r = run("fio", device(), "--rw=randread", "--bs=4k", "--iodepth=4", "--size=1m", "--io_size=256k",
                "--name=tcp", "--output-format=json");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("\"mode\" : \"irq\""), "irq by default over tcp://: " + r.out());
        Run polled = run("fio", device(), "--rw=randread", "--bs=4k", "--iodepth=4", "--size=1m", "--io_size=256k",
                "--name=tcp", "--mode=poll", "--output-format=json");
        assertEquals(0, polled.exit(), polled.out() + polled.err());
        assertTrue(polled.out().contains("\"mode\" : \"poll\""), "as given: " + polled.out());
    }

    @Test
    void disableSqflowAsksEveryIoQueueConnectForIt() {
        Run plain = run("fio", device(), "--rw=randread", "--bs=4k", "--iodepth=2", "--size=1m", "--io_size=64k",
                "--name=tcp");
        assertEquals(0, plain.exit(), plain.out() + plain.err());
        assertEquals(0, target.ioConnectCattr, "CATTR of the I/O queue's Connect by default");
        target.c2hSuccess = true; // as nvmet does then: reads complete by their last C2HData PDU
        Run r = run("fio", device(), "--rw=randread", "--bs=4k", "--iodepth=2", "--size=1m", "--io_size=64k",
                "--name=tcp", "--disable-sqflow");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertEquals(Fabrics.CATTR_DISABLE_SQ_FLOW_CONTROL, target.ioConnectCattr,
                "CATTR of the I/O queue's Connect with --disable-sqflow");
    }

    @Test
    void identifyCommandsRunOverTcp() {
        Run ctrl = run("id-ctrl", device());
        assertEquals(0, ctrl.exit(), ctrl.err());
        assertTrue(ctrl.out().contains("nvme4j fake tcp target"), ctrl.out());
        Run ns = run("id-ns", device(), "--namespace-id=1");
        assertEquals(0, ns.exit(), ns.err());
        assertTrue(ns.out().contains("nsze"), ns.out());
    }

    @Test
    void aClosedPortFailsWithExitOneAndTheReason() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Run r = run("id-ctrl", "--device=tcp://127.0.0.1:" + port + "/" + FakeTcpTarget.SUBNQN);
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("refused"), r.err());
        Run bad = run("id-ctrl", "--device=tcp://127.0.0.1:1/x", "--hostid=not-a-uuid");
        assertEquals(2, bad.exit(), bad.err());
    }
}
