package dev.nvme4j.tcp;

import dev.nvme4j.spec.Le;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nvme4j.api.NvmeException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The NVMe/TCP host against the Linux kernel's target (nvmet + nvmet-tcp) in the VM
 * ({@code tools/vm-run --nvmet}): a subsystem with a file-backed namespace set up through configfs
 * on 127.0.0.1:4420 and a discovery port on 8009; connect, identify, write/read/verify (in-capsule
 * and R2T/H2CData, digests off and on, SQ flow control on and off), two I/O queues from two
 * threads, Keep Alive, discovery, and the data checked in the backing file at the right offsets.
 */
@Tag("vfio")
class NvmeTcpOverNvmetTest {
    private static final Path NVMET = NvmetConfig.NVMET;
    private static final String NQN = "nqn.2026-12.dev.nvme4j:nvmet-test";
    private static final InetSocketAddress IO_PORT = new InetSocketAddress("127.0.0.1", 4420);
    private static final InetSocketAddress DISCOVERY_PORT = new InetSocketAddress("127.0.0.1", 8009);
    private static final long NS_BYTES = 16L << 20;
    private static NvmetConfig target;
    private static Path backing;

    @BeforeAll
    static void setUpTarget() throws IOException {
        assumeTrue(Files.isDirectory(NVMET), "needs the kernel's nvmet-tcp target with configfs at " + NVMET
                + " (run in the VM: tools/vm-test, or tools/vm-run --nvmet)");
        target = new NvmetConfig(NQN, Path.of("/dev/shm/nvme4j-nvmet-ns1.img"), NS_BYTES);
        backing = target.backing;
        target.port(1, 4420);
        target.port(2, 8009);
        target.port(3, 4422);
    }

    @AfterAll
    static void tearDownTarget() throws IOException {
        if (target != null) {
            target.tearDown();
        }
    }

    private static TcpOptions options() {
        return TcpOptions.defaults().withTimeouts(20, 20, TimeUnit.SECONDS);
    }

    private static int lbaSize(TcpController c, Arena arena) throws TcpTransportException {
        MemorySegment id = arena.allocate(4096, 4096);
        c.identify(0, 1, id);
        int flbas = id.get(ValueLayout.JAVA_BYTE, 26) & 0xF;
        int lbads = id.get(ValueLayout.JAVA_BYTE, 128 + flbas * 4 + 2) & 0xFF;
        assertEquals(NS_BYTES >> lbads, id.get(Le.LONG, 0),
                "NSZE of the file-backed namespace");
        return 1 << lbads;
    }

    private static byte[] backingBytes(long offset, int length) throws IOException {
        return target.backingBytes(offset, length);
    }

    private static MemorySegment random(Arena arena, int bytes, long seed) {
        return TestData.random(arena, bytes, seed);
    }

    @Test
    void connectsEnablesAndIdentifiesTheKernelTarget() throws Exception {
        try (TcpController c = TcpController.connect(IO_PORT, NQN, options());
                Arena arena = Arena.ofConfined()) {
            assertTrue(c.cntlid() > 0, "CNTLID " + c.cntlid());
            assertTrue((c.cap() & 0xFFFF) >= 31, "CAP.MQES");
            assertTrue(c.version() >= 0x00010300, "VS " + Integer.toHexString(c.version()));
            assertEquals(1, c.propertyGet(0x1C, false) & 1, "CSTS.RDY");
            assertEquals("Linux", c.modelNumber());
            byte[] id = c.identifyControllerData();
            String subnqn = new String(id, 768, 256, java.nio.charset.StandardCharsets.US_ASCII).trim();
            assertEquals(NQN, subnqn.replace("\0", ""));
            assertTrue(c.inCapsuleBytes() >= 4096, "in-capsule data of I/O commands: " + c.inCapsuleBytes());
            int lba = lbaSize(c, arena);
            assertTrue(lba == 512 || lba == 4096, "LBA size " + lba);
        }
    }

    @ParameterizedTest(name = "header digest {0}, data digest {1}, SQ flow control disabled {2}")
    @CsvSource({"false,false,false", "true,true,false", "false,false,true", "true,true,true"})
    void writtenDataLandsInTheBackingFileAndReadsBack(boolean hd, boolean dd, boolean noSqFlow) throws Exception {
        TcpOptions o = options().withDigests(hd, dd).withSqFlowControlDisabled(noSqFlow);
        try (TcpController c = TcpController.connect(IO_PORT, NQN, o);
                Arena arena = Arena.ofShared();
                TcpIoQueue q = c.createIoQueue(1, 32)) {
            assertEquals(hd, q.connection().headerDigest());
            assertEquals(dd, q.connection().dataDigest());
            int lba = lbaSize(c, arena);
            long seedBase = (hd ? 1 : 0) + (dd ? 2 : 0) + (noSqFlow ? 4 : 0);
            long at = 0;
            for (int bytes : new int[] {4096, c.inCapsuleBytes(), 65536, 262144}) {
                boolean inCapsule = bytes <= c.inCapsuleBytes();
                MemorySegment out = random(arena, bytes, seedBase * 100 + bytes);
                long slba = (at + 8192 * seedBase) / lba;
                q.write(1, slba, bytes / lba, out, 0, bytes);
                byte[] expected = out.toArray(ValueLayout.JAVA_BYTE);
                assertArrayEquals(expected, backingBytes(slba * lba, bytes),
                        bytes + " bytes (" + (inCapsule ? "in capsule" : "R2T/H2CData") + ") at LBA " + slba
                                + " in the backing file");
                MemorySegment in = arena.allocate(bytes, 4096);
                q.read(1, slba, bytes / lba, in, 0, bytes);
                assertArrayEquals(expected, in.toArray(ValueLayout.JAVA_BYTE), "read back " + bytes + " bytes");
                at += 4L << 20 >> 2;
            }
            TcpQueue conn = q.connection();
            assertEquals(3, conn.inCapsuleWrites(), "the Connect data, the 4 KiB and the IOCCSZ-sized writes in the capsule");
            assertEquals(2, conn.r2tsReceived(), "64 KiB and 256 KiB writes by R2T");
            assertTrue(conn.h2cDataPdusSent() >= 2);
            if (noSqFlow) {
                assertEquals(4, conn.successFlagCompletions(), "reads completed by C2HData with SUCCESS");
            } else {
                assertEquals(0, conn.successFlagCompletions());
            }
        }
    }

    @Test
    void twoIoQueuesFromTwoThreadsKeepTheirDataApart() throws Exception {
        try (TcpController c = TcpController.connect(IO_PORT, NQN, options());
                Arena arena = Arena.ofShared()) {
            int lba = lbaSize(c, arena);
            assertTrue(c.requestIoQueues(2) >= 2);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<byte[]>> jobs = new ArrayList<>();
                for (int qid = 1; qid <= 2; qid++) {
                    int id = qid;
                    Callable<byte[]> job = () -> {
                        try (TcpIoQueue q = c.createIoQueue(id, 16)) {
                            return asyncJob(q, arena, lba, (long) id << 22, 16, 16384, id);
                        }
                    };
                    jobs.add(pool.submit(job));
                }
                for (int qid = 1; qid <= 2; qid++) {
                    byte[] written = jobs.get(qid - 1).get(120, TimeUnit.SECONDS);
                    assertArrayEquals(written, backingBytes((long) qid << 22, written.length), "queue " + qid);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** Writes {@code count} blocks of {@code size} bytes from {@code base}, up to 8 outstanding, then reads and compares. */
    private static byte[] asyncJob(TcpIoQueue q, Arena arena, int lba, long base, int count, int size, long seed)
            throws Exception {
        MemorySegment out = random(arena, count * size, seed);
        int[] done = {0};
        int[] bad = {0};
        q.completionHandler((cid, status, dw0, dw1) -> {
            done[0]++;
            if (status != 0) {
                bad[0]++;
            }
        });
        for (int pass = 0; pass < 2; pass++) {
            done[0] = 0;
            MemorySegment buf = pass == 0 ? out : arena.allocate((long) count * size, 4096);
            int submitted = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (done[0] < count && System.nanoTime() < deadline) {
                while (submitted < count && submitted - done[0] < 8) {
                    long slba = (base + (long) submitted * size) / lba;
                    int cid = pass == 0 ? q.submitWrite(1, slba, size / lba, buf, (long) submitted * size, size)
                            : q.submitRead(1, slba, size / lba, buf, (long) submitted * size, size);
                    assertTrue(cid >= 0);
                    submitted++;
                }
                q.flush();
                if (q.poll() == 0) {
                    q.await(deadline);
                }
            }
            assertEquals(count, done[0], "queue " + q.qid() + " pass " + pass);
            assertEquals(0, bad[0]);
            if (pass == 1) {
                assertArrayEquals(out.toArray(ValueLayout.JAVA_BYTE), buf.toArray(ValueLayout.JAVA_BYTE));
            }
        }
        return out.toArray(ValueLayout.JAVA_BYTE);
    }

    @Test
    void keepAliveKeepsAnIdleControllerAlive() throws Exception {
        // nvmet counts KATO in whole seconds: 2 s, Keep Alive every second; idle for 5 s.
        try (TcpController c = TcpController.connect(IO_PORT, NQN, options().withKeepAliveMillis(2000));
                TcpIoQueue q = c.createIoQueue(1, 8);
                Arena arena = Arena.ofConfined()) {
            Thread.sleep(5000);
            assertTrue(c.keepAlivesSent() >= 3, "keep alives sent: " + c.keepAlivesSent());
            q.read(1, 0, 1, arena.allocate(4096, 4096), 0, lbaSize(c, arena));
            assertEquals(1, c.propertyGet(0x1C, false) & 1, "still ready");
        }
    }

    @Test
    void discoveryListsTheSubsystemOnBothPorts() throws Exception {
        for (InetSocketAddress port : List.of(DISCOVERY_PORT, IO_PORT)) {
            TcpDiscovery.Log log = TcpDiscovery.discover(port, options());
            DiscoveryEntry e = log.entries().stream().filter(x -> x.subnqn().equals(NQN)).findFirst()
                    .orElseThrow(() -> new AssertionError("no entry for " + NQN + " at " + port + ": " + log));
            assertEquals("tcp", e.trtypeName());
            assertEquals("ipv4", e.adrfamName());
            assertEquals("nvme subsystem", e.subtypeName());
            assertEquals("127.0.0.1", e.traddr());
            assertEquals(Integer.toString(port.getPort()), e.trsvcid());
        }
    }

    @Test
    void anUnknownSubsystemAndAWrongPortAreClearErrors() {
        NvmeException e = assertThrows(NvmeException.class,
                () -> TcpController.connect(IO_PORT, "nqn.2026-12.dev.nvme4j:nothing-here", options()));
        assertTrue(e.getMessage().contains("nothing-here"), e.getMessage());
        TcpTransportException t = assertThrows(TcpTransportException.class,
                () -> TcpController.connect(new InetSocketAddress("127.0.0.1", 4421), NQN, options()));
        assertTrue(t.getMessage().contains("refused"), t.getMessage());
    }

    @Test
    void aSubsystemRemovedFromThePortMidIoCompletesEveryCommandOnce() throws Exception {
        TcpOptions o = options().withTimeouts(10, 10, TimeUnit.SECONDS);
        try (TcpController c = TcpController.connect(new InetSocketAddress("127.0.0.1", 4422), NQN, o);
                Arena arena = Arena.ofShared();
                TcpIoQueue q = c.createIoQueue(1, 16)) {
            int lba = lbaSize(c, arena);
            MemorySegment buf = arena.allocate(8 * 4096, 4096);
            int[] perCid = new int[16];
            long[] counts = new long[3]; // submitted, completed, failed
            q.completionHandler((cid, status, dw0, dw1) -> {
                perCid[cid]--;
                counts[1]++;
                if (status != 0) {
                    counts[2]++;
                }
            });
            long removeAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            boolean removed = false;
            while (q.connection().failure() == null && System.nanoTime() < deadline) {
                while (q.connection().outstanding() < 8) {
                    int slot = (int) (counts[0] % 8);
                    int cid = q.submitRead(1, (long) slot * 4096 / lba, 4096 / lba, buf, (long) slot * 4096, 4096);
                    assertTrue(cid >= 0);
                    perCid[cid]++;
                    counts[0]++;
                }
                q.flush();
                q.poll();
                if (!removed && System.nanoTime() > removeAt) {
                    target.unlink(3);
                    removed = true;
                }
            }
            assertTrue(removed, "the subsystem was removed from the port while reads ran");
            assertTrue(q.connection().failure() != null, "the queue noticed within 30 s");
            assertEquals(TcpTransportException.Kind.CONNECTION, q.connection().failure().kind(),
                    q.connection().failure().getMessage());
            assertEquals(counts[0], counts[1], "every submitted read completed");
            for (int cid = 0; cid < 16; cid++) {
                assertEquals(0, perCid[cid], "CID " + cid + " completed exactly once per submission");
            }
            assertTrue(counts[2] >= 1, "the reads in flight completed with a transport error");
            assertThrows(IllegalStateException.class, () -> q.submitRead(1, 0, 1, buf, 0, lba));
        } finally {
            target.link(3);
        }
    }

    @Test
    void closeAndReconnectKeepTheData() throws Exception {
        byte[] expected;
        try (Arena arena = Arena.ofShared()) {
            int lba;
            MemorySegment out = random(arena, 8192, 77);
            expected = out.toArray(ValueLayout.JAVA_BYTE);
            try (TcpController c = TcpController.connect(IO_PORT, NQN, options());
                    TcpIoQueue q = c.createIoQueue(1, 8)) {
                lba = lbaSize(c, arena);
                q.write(1, (12L << 20) / lba, 8192 / lba, out, 0, 8192);
            }
            for (int i = 0; i < 2; i++) {
                try (TcpController c = TcpController.connect(IO_PORT, NQN, options());
                        TcpIoQueue q = c.createIoQueue(1, 8)) {
                    MemorySegment in = arena.allocate(8192, 4096);
                    q.read(1, (12L << 20) / lba, 8192 / lba, in, 0, 8192);
                    assertArrayEquals(expected, in.toArray(ValueLayout.JAVA_BYTE), "after reconnect " + i);
                }
            }
        }
    }
}
