package dev.nvme4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.tool.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** {@code nvme4j discover} against the fake target: nvme discover's layout, and clear errors. */
class DiscoverToolTest {
    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new Main(), new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void printsTheDiscoveryLogLikeNvmeDiscover() throws Exception {
        try (FakeTcpTarget target = new FakeTcpTarget(64)) {
            int port = target.server.getLocalPort();
            Run r = run("discover", "--transport=tcp", "--traddr=127.0.0.1", "--trsvcid=" + port);
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("Discovery Log Number of Records 1, Generation counter 7"), r.out());
            assertTrue(r.out().contains("=====Discovery Log Entry 0======"), r.out());
            assertTrue(r.out().contains("trtype:  tcp\n"), r.out());
            assertTrue(r.out().contains("subtype: nvme subsystem\n"), r.out());
            assertTrue(r.out().contains("trsvcid: " + port + "\n"), r.out());
            assertTrue(r.out().contains("subnqn:  " + FakeTcpTarget.SUBNQN + "\n"), r.out());
            assertTrue(r.out().contains("traddr:  127.0.0.1\n"), r.out());
            Run j = run("discover", "-t", "tcp", "-a", "127.0.0.1", "-s", Integer.toString(port), "-o", "json", "-g", "-G");
            assertEquals(0, j.exit(), j.err());
            assertTrue(j.out().contains("\"subnqn\" : \"" + FakeTcpTarget.SUBNQN + "\""), j.out());
        }
    }

    @Test
    void aClosedPortFailsWithExitCodeOneAndSaysWhy() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Run r = run("discover", "--transport=tcp", "--traddr=127.0.0.1", "--trsvcid=" + port);
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("refused"), r.err());
    }

    @Test
    void anotherTransportIsABadOption() {
        Run r = run("discover", "--transport=rdma", "--traddr=127.0.0.1");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("only tcp is supported"), r.err());
    }
}
