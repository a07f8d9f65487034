package dev.nvme4j.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nvme4j.Nvme;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.FabricsOptions;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.spec.Le;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The NVMe/TCP host against nvmet-tcp in the VM ({@code tools/vm-run --nvmet}) on block-device
 * namespaces (nvmet's bio back end), one subsystem with two: namespace 1 on a loop device with
 * 512-byte logical blocks over a file in tmpfs, namespace 2 on a memory-backed null_blk device
 * with 4 KiB blocks. Identify reports each one's LBA size and size; writes in the capsule (one
 * LBA, and up to IOCCSZ) and by R2T/H2CData land at their offsets, checked from the guest in the
 * loop device's backing file and in the null_blk device itself (O_DIRECT), and read back.
 */
@Tag("vfio")
class NvmeTcpBlockNamespacesOverNvmetTest {
    private static final String NQN = "nqn.2026-12.dev.nvme4j:nvmet-bdev";
    private static final InetSocketAddress PORT = new InetSocketAddress("127.0.0.1", 4440);
    private static final int MIB = 1 << 20;
    private static final long NS_BYTES = 16L * MIB;
    private static final Path LOOP_FILE = Path.of("/dev/shm/nvme4j-nvmet-loop512.img");
    private static NvmetConfig target;
    private static GuestBlockDevices devices;
    private static Path nullBlk;

    @BeforeAll
    static void setUpTarget() throws IOException {
        assumeTrue(Files.isDirectory(NvmetConfig.NVMET), "needs the kernel's nvmet-tcp target with configfs at "
                + NvmetConfig.NVMET + " (run in the VM: tools/vm-test, or tools/vm-run --nvmet)");
        assumeTrue(GuestBlockDevices.available(), "needs null_blk's configfs at " + GuestBlockDevices.NULLB
                + " and losetup, blockdev (tools/vm-run --nvmet loads null_blk and loop)");
        devices = new GuestBlockDevices();
        Path loop = devices.loop(LOOP_FILE, NS_BYTES, 512);
        nullBlk = devices.nullBlk("nvme4j-nullb", (int) (NS_BYTES / MIB), 4096);
        assertEquals(512, GuestBlockDevices.logicalBlockSize(loop), loop + " logical block size");
        assertEquals(4096, GuestBlockDevices.logicalBlockSize(nullBlk), nullBlk + " logical block size");
        target = new NvmetConfig(NQN);
        target.namespace(1, loop, false);
        target.namespace(2, nullBlk, false);
        target.port(21, PORT.getPort());
    }

    @AfterAll
    static void tearDown() throws IOException {
        try {
            if (target != null) {
                target.tearDown();
            }
        } finally {
            if (devices != null) {
                devices.tearDown();
            }
        }
    }

    /** What the namespace's backing store holds at {@code offset}, read in the guest past nvmet. */
    private static byte[] stored(int nsid, long offset, int length) throws IOException {
        return nsid == 1 ? NvmetConfig.fileBytes(LOOP_FILE, offset, length)
                : GuestBlockDevices.deviceBytes(nullBlk, offset, length);
    }

    private static TcpOptions options() {
        return TcpOptions.defaults().withTimeouts(20, 20, TimeUnit.SECONDS);
    }

    @Test
    void identifyReportsEachBlockDevicesLbaSizeAndSize() throws Exception {
        try (TcpController c = TcpController.connect(PORT, NQN, options());
                Arena arena = Arena.ofConfined()) {
            MemorySegment id = arena.allocate(4096, 4096);
            c.identify(2, 0, id);
            assertEquals(1, id.get(Le.INT, 0), "active namespace list: first");
            assertEquals(2, id.get(Le.INT, 4), "active namespace list: second");
            assertEquals(0, id.get(Le.INT, 8), "active namespace list: end");
            int[] lbads = {9, 12};
            for (int nsid = 1; nsid <= 2; nsid++) {
                c.identify(0, nsid, id);
                int flbas = id.get(ValueLayout.JAVA_BYTE, 26) & 0xF;
                assertEquals(lbads[nsid - 1], id.get(ValueLayout.JAVA_BYTE, 128 + flbas * 4 + 2) & 0xFF,
                        "LBADS of namespace " + nsid);
                assertEquals(NS_BYTES >> lbads[nsid - 1], id.get(Le.LONG, 0), "NSZE of namespace " + nsid);
                assertEquals(NS_BYTES >> lbads[nsid - 1], id.get(Le.LONG, 8), "NCAP of namespace " + nsid);
            }
        }
    }

    @ParameterizedTest(name = "namespace {0} ({1}-byte LBAs), digests {2}")
    @CsvSource({"1,512,false", "1,512,true", "2,4096,false", "2,4096,true"})
    void inCapsuleAndR2tWritesLandAtTheirOffsetsAndReadBack(int nsid, int lba, boolean digests) throws Exception {
        try (TcpController c = TcpController.connect(PORT, NQN, options().withDigests(digests, digests));
                Arena arena = Arena.ofShared();
                TcpIoQueue q = c.createIoQueue(1, 16)) {
            // One LBA (512 bytes on namespace 1), the most the capsule holds, and two R2T sizes; each at an
            // LBA that is not 4 KiB-aligned where the LBA is smaller, in a region of its own per case.
            int[] sizes = {lba, c.inCapsuleBytes() / lba * lba, 64 * 1024, 256 * 1024};
            long region = (digests ? 8L : 0) * MIB;
            for (int i = 0; i < sizes.length; i++) {
                int bytes = sizes[i];
                long slba = (region + (long) i * MIB) / lba + (lba == 512 ? 3 : 1);
                MemorySegment out = TestData.random(arena, bytes, nsid * 1000L + i + (digests ? 500 : 0));
                q.write(nsid, slba, bytes / lba, out, 0, bytes);
                byte[] expected = out.toArray(ValueLayout.JAVA_BYTE);
                String what = bytes + " bytes (" + (bytes <= c.inCapsuleBytes() ? "in capsule" : "R2T/H2CData")
                        + ") at LBA " + slba + " of namespace " + nsid;
                assertArrayEquals(expected, stored(nsid, slba * lba, bytes), what + ", in the backing store");
                byte[] before = stored(nsid, slba * lba - lba, lba);
                assertArrayEquals(new byte[lba], before, what + ": the LBA before it is untouched");
                MemorySegment in = arena.allocate(bytes, 4096);
                q.read(nsid, slba, bytes / lba, in, 0, bytes);
                assertArrayEquals(expected, in.toArray(ValueLayout.JAVA_BYTE), what + ", read back");
            }
            TcpQueue conn = q.connection();
            assertEquals(3, conn.inCapsuleWrites(), "the Connect data and the two writes that fit in the capsule");
            assertEquals(2, conn.r2tsReceived(), "the 64 KiB and 256 KiB writes by R2T");
        }
    }

    @Test
    void theControllerApiSeesBothNamespacesAndItsWritesLandInThem() throws Exception {
        ControllerOptions o = ControllerOptions.builder().ioTimeout(Duration.ofSeconds(30))
                .adminTimeout(Duration.ofSeconds(20)).maxIoQueuePairs(1).ioQueueDepth(16).build();
        FabricsOptions f = FabricsOptions.builder().connectTimeout(Duration.ofSeconds(10)).build();
        try (Controller c = Nvme.open("tcp://127.0.0.1:" + PORT.getPort() + "/" + NQN, o, f);
                IoQueuePair qp = c.createQueuePair();
                DmaBuffer buf = c.allocateBuffer(128 * 1024)) {
            for (int nsid = 1; nsid <= 2; nsid++) {
                Namespace ns = c.namespace(nsid);
                int lba = nsid == 1 ? 512 : 4096;
                assertEquals(lba, ns.lbaSize(), "LBA size of namespace " + nsid);
                assertEquals(NS_BYTES / lba, ns.sizeBlocks(), "size of namespace " + nsid);
                MemorySegment data = TestData.random(Arena.ofAuto(), 128 * 1024, 40 + nsid);
                buf.segment().copyFrom(data);
                long slba = (NS_BYTES - 128 * 1024) / lba; // the last 128 KiB: the end of the device
                qp.writeSync(ns, slba, 128 * 1024 / lba, buf);
                assertArrayEquals(data.toArray(ValueLayout.JAVA_BYTE), stored(nsid, slba * lba, 128 * 1024),
                        "128 KiB at the end of namespace " + nsid);
                buf.segment().fill((byte) 0);
                qp.readSync(ns, slba, 128 * 1024 / lba, buf);
                assertArrayEquals(data.toArray(ValueLayout.JAVA_BYTE), buf.segment().toArray(ValueLayout.JAVA_BYTE),
                        "read back from namespace " + nsid);
            }
            assertTrue(c.counters().resets() == 0, "no reset on the way");
        }
    }
}
