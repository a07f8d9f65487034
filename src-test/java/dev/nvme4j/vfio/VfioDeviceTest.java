package dev.nvme4j.vfio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nvme4j.device.InterruptVector;
import dev.nvme4j.device.RegisterSpace;
import dev.nvme4j.dma.DmaAllocator;
import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.spec.NvmeRegs;

import java.lang.foreign.ValueLayout;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The VFIO backend against a real (or QEMU-emulated) NVMe function bound to vfio-pci, at the
 * address in {@code NVME4J_PCI}. Run inside the test VM: {@code tools/vm-run -- ...}. Without
 * the driver core, the controller is brought up by hand here, just enough to prove that
 * registers, DMA through the IOMMU and MSI-X all work.
 */
@Tag("vfio")
class VfioDeviceTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private String address;

    @BeforeEach
    void needDevice() {
        address = System.getenv("NVME4J_PCI");
        assumeTrue(address != null && !address.isBlank(), "NVME4J_PCI not set: no device to test");
    }

    @Test
    void readsCapAndVersionThroughBar0() {
        try (VfioPciFunction f = VfioPciFunction.open(address)) {
            RegisterSpace regs = f.registers();
            long cap = regs.read64(NvmeRegs.CAP);
            int vs = regs.read32(NvmeRegs.VS);
            System.out.printf("%s: vendor:device %08x, group %d, BAR0 mmapped %b, CAP 0x%016x, VS %d.%d.%d, MSI-X %d%n",
                    f.address(), f.vendorDeviceId(), f.iommuGroup(), f.barMapped(), cap, vs >>> 16, (vs >>> 8) & 0xff,
                    vs & 0xff, f.msixVectorCount());
            assertTrue(vs >>> 16 >= 1, "NVMe major version");
            assertTrue(NvmeRegs.capMqes(cap) > 0, "CAP.MQES");
            assertTrue(f.msixVectorCount() > 0, "MSI-X vectors");
        }
    }

    @Test
    void allocatesDistinctAlignedDmaRegionsAndReusesFreedOnes() {
        try (VfioPciFunction f = VfioPciFunction.open(address)) {
            DmaAllocator dma = f.dma();
            Set<Long> iovas = new HashSet<>();
            DmaRegion[] small = new DmaRegion[8];
            for (int i = 0; i < small.length; i++) {
                small[i] = dma.allocate(4096);
                assertEquals(0, small[i].iova() % 4096);
                assertTrue(iovas.add(small[i].iova()));
                small[i].segment().set(ValueLayout.JAVA_LONG, 0, i);
            }
            DmaRegion big = dma.allocate(3 << 20);
            assertEquals(0, big.iova() % (2 << 20));
            big.segment().fill((byte) 1);
            long freed = small[3].iova();
            dma.free(small[3]);
            assertEquals(freed, dma.allocate(4096).iova(), "freed space is reused");
            System.out.printf("DMA: small at 0x%x.., 3 MiB at 0x%x, hugepages %b%n", small[0].iova(), big.iova(),
                    ((VfioDmaAllocator) dma).usesHugePages());
        }
    }

    @ParameterizedTest
    @MethodSource("optionSets")
    void identifiesTheControllerThroughDmaAndSignalsMsix(VfioOptions options) {
        try (VfioPciFunction f = VfioPciFunction.open(address, options)) {
            assertEquals(options.mmapBar(), f.barMapped());
            InterruptVector[] vectors = f.enableMsix(1);
            RawNvme nvme = new RawNvme(f);
            nvme.enable();
            DmaRegion data = f.dma().allocate(4096);
            vectors[0].drain();
            // Identify Controller (CNS 1), NVMe base spec 5.17: 4 KiB into PRP1.
            RawNvme.check(nvme.admin(0x06, 0, data.iova(), 1, 0), "Identify");
            assertTrue(vectors[0].await(10 * SECOND), "MSI-X vector 0 fired for the admin completion");
            int vid = Short.toUnsignedInt(data.segment().get(ValueLayout.JAVA_SHORT_UNALIGNED, 0));
            String model = new String(data.segment().asSlice(24, 40).toArray(ValueLayout.JAVA_BYTE)).trim();
            System.out.printf("Identify with %s: PCI vendor 0x%04x, model '%s', data at IOVA 0x%x%n", options, vid, model,
                    data.iova());
            assertEquals(f.vendorDeviceId() & 0xffff, vid, "identify data arrived by DMA");
            assertFalse(model.isEmpty());
            nvme.disable();
        }
    }

    @Test
    void writesAndReadsBackBlocksThroughAnIoQueueWithItsOwnVector() {
        try (VfioPciFunction f = VfioPciFunction.open(address)) {
            InterruptVector[] vectors = f.enableMsix(2);
            RawNvme nvme = new RawNvme(f);
            nvme.enable();
            nvme.createIoQueuePair(1);
            DmaRegion out = f.dma().allocate(4096);
            DmaRegion in = f.dma().allocate(4096);
            for (int i = 0; i < 4096; i += 8) {
                out.segment().set(ValueLayout.JAVA_LONG, i, 0x6e766d65_34_6a_0000L + i);
            }
            vectors[1].drain();
            RawNvme.check(nvme.io(0x01, 1, 8, 8, out), "Write"); // 8 x 512-byte blocks at LBA 8
            assertTrue(vectors[1].await(10 * SECOND), "MSI-X vector 1 fired for the I/O completion");
            RawNvme.check(nvme.io(0x02, 1, 8, 8, in), "Read");
            assertEquals(-1L, out.segment().mismatch(in.segment()), "read back what was written");
            System.out.printf("wrote and read back 4 KiB at LBA 8 (buffers at IOVA 0x%x, 0x%x); vector 1 signalled%n",
                    out.iova(), in.iova());
            nvme.disable();
        }
    }

    @Test
    void functionResetReturnsTheControllerToDisabled() {
        try (VfioPciFunction f = VfioPciFunction.open(address)) {
            boolean reset = f.functionReset();
            System.out.println("function reset supported: " + reset);
            if (reset) {
                assertEquals(0, f.registers().read32(NvmeRegs.CC) & NvmeRegs.CC_EN);
            }
        }
    }

    @Test
    void opensEveryControllerInOneContainer() {
        String all = System.getenv("NVME4J_PCI_ALL");
        assumeTrue(all != null && all.trim().contains(" "), "needs two or more controllers (vm-run --controllers 2)");
        String[] addresses = all.trim().split("\\s+");
        VfioPciFunction[] open = new VfioPciFunction[addresses.length];
        try {
            Set<Long> iovas = new HashSet<>();
            for (int i = 0; i < addresses.length; i++) {
                open[i] = VfioPciFunction.open(addresses[i]);
                assertTrue(iovas.add(open[i].dma().allocate(4096).iova()), "IOVAs are unique across functions");
                assertNotEquals(0, open[i].registers().read32(NvmeRegs.VS));
            }
            assertTrue(VfioRegistry.system().hasContainer());
            System.out.println("open together: " + String.join(", ", addresses) + " in "
                    + VfioRegistry.system().attachedGroupCount() + " groups, IOVAs " + iovas);
        } finally {
            for (VfioPciFunction f : open) {
                if (f != null) {
                    f.close();
                }
            }
        }
        assertFalse(VfioRegistry.system().hasContainer(), "container closed with the last function");
    }

    static Stream<VfioOptions> optionSets() {
        return Stream.of(VfioOptions.defaults(), VfioOptions.defaults().withMmapBar(false),
                VfioOptions.defaults().withHugePages(false));
    }

}
