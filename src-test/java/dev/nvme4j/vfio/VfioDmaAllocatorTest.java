package dev.nvme4j.vfio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.nvme4j.dma.DmaException;
import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.sys.NativeException;
import dev.nvme4j.sys.ResourceLimit;
import dev.nvme4j.sys.VfioIoctls;
import dev.nvme4j.sys.VfioStructFakes.DmaMap;
import dev.nvme4j.sys.VfioStructs;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** DMA memory of a VFIO function: hugepage chunks, IOMMU mapping, IOVA ranges, failures. */
class VfioDmaAllocatorTest {

    private static final String ADDRESS = "0000:01:00.0";
    private static final long MIB2 = 2L << 20;

    @TempDir
    Path tmp;
    private FakeVfioKernel kernel;

    @BeforeEach
    void setUp() throws IOException {
        kernel = new FakeVfioKernel(tmp);
    }

    @Test
    void smallRegionsAreCarvedFromOneMappedHugepage() {
        try (VfioPciFunction f = open()) {
            DmaRegion a = f.dma().allocate(100);
            DmaRegion b = f.dma().allocate(8192);
            assertEquals(1, kernel.dmaMaps.size(), "one IOMMU mapping for both");
            assertEquals(1, ((VfioDmaAllocator) f.dma()).chunkCount());
            DmaMap map = kernel.dmaMaps.getFirst();
            assertTrue(map.readWrite());
            assertEquals(MIB2, map.size());
            assertEquals(0, map.iova() % MIB2, "chunk IOVA 2 MiB aligned");
            verify(kernel.libc).mmap(any(), eq(MIB2), anyInt(),
                    eq(VfioStructs.MAP_SHARED | VfioStructs.MAP_ANONYMOUS | VfioStructs.MAP_POPULATE | VfioStructs.MAP_HUGETLB),
                    eq(-1), eq(0L));
            assertEquals(4096, a.byteSize());
            assertEquals(8192, b.byteSize());
            assertEquals(map.iova(), a.iova());
            assertEquals(map.iova() + 4096, b.iova());
            assertEquals(map.vaddr() + 4096, b.segment().address(), "host and IOVA offsets agree");
            assertEquals(4096, f.dma().pageSize());
        }
    }

    @Test
    void freedSpaceIsReusedAndZeroed() {
        try (VfioPciFunction f = open()) {
            DmaRegion keep = f.dma().allocate(4096);
            DmaRegion a = f.dma().allocate(4096);
            a.segment().fill((byte) 0x5a);
            long iova = a.iova();
            f.dma().free(a);
            assertFalse(a.isLive());
            DmaRegion again = f.dma().allocate(4096);
            assertEquals(iova, again.iova());
            assertEquals(0, again.segment().get(ValueLayout.JAVA_LONG, 0));
            assertTrue(keep.isLive());
            f.dma().free(a); // idempotent
        }
    }

    @Test
    void largeRegionsGetTheirOwnMappingAndAreUnmappedOnFree() {
        try (VfioPciFunction f = open()) {
            DmaRegion big = f.dma().allocate(3 << 20);
            DmaMap map = kernel.dmaMaps.getLast();
            assertEquals(4L << 20, map.size(), "rounded to whole hugepages");
            assertEquals(big.iova(), map.iova());
            f.dma().free(big);
            DmaMap unmap = kernel.dmaUnmaps.getLast();
            assertEquals(map.iova(), unmap.iova());
            assertEquals(map.size(), unmap.size());
            verify(kernel.libc).munmap(any(), eq(4L << 20));
            assertTrue(kernel.hostMappings.isEmpty());
        }
    }

    @Test
    void regionSegmentsAreUnusableAfterTheirChunkIsReleased() {
        try (VfioPciFunction f = open()) {
            DmaRegion r = f.dma().allocate(4096);
            MemorySegment seg = r.segment();
            f.dma().free(r);
            assertThrows(IllegalStateException.class, () -> seg.get(ValueLayout.JAVA_BYTE, 0));
        }
    }

    @Test
    void iovasStayInsideTheRangesTheKernelReports() {
        kernel.iovaRanges.clear();
        kernel.iovaRanges.add(new long[] {0x8000_0000L, 0x8040_0000L - 1});
        kernel.iovaRanges.add(new long[] {0x1_0000_0000L, 0x1_00ff_ffffL});
        try (VfioPciFunction f = open()) {
            long first = f.dma().allocate(1 << 20).iova();
            long second = f.dma().allocate(1 << 20).iova();
            long third = f.dma().allocate(1 << 20).iova();
            assertEquals(0x8000_0000L, first);
            assertEquals(0x8020_0000L, second);
            assertEquals(0x1_0000_0000L, third, "the first range is full, the second is used");
        }
    }

    @Test
    void iovaExhaustionIsAClearDmaError() {
        kernel.iovaRanges.clear();
        kernel.iovaRanges.add(new long[] {0x8000_0000L, 0x8020_0000L - 1});
        try (VfioPciFunction f = open()) {
            f.dma().allocate(1 << 20);
            DmaException e = assertThrows(DmaException.class, () -> f.dma().allocate(1 << 20));
            assertTrue(e.getMessage().contains("address space exhausted"), e.getMessage());
            assertEquals(1, kernel.hostMappings.size(), "the host memory of the failed allocation is returned");
        }
    }

    @Test
    void withoutHugepagesFallsBackToSmallPagesWithOneWarning() {
        kernel.hugePageErrno = NativeException.ENOMEM;
        VfioDmaAllocator.rearmHugePageWarning();
        ListAppender<ILoggingEvent> log = capture();
        try (VfioPciFunction f = open()) {
            DmaRegion r = f.dma().allocate(4096);
            f.dma().allocate(3 << 20);
            assertEquals(MIB2, kernel.dmaMaps.getFirst().size());
            assertEquals(3L << 20, kernel.dmaMaps.getLast().size(), "no hugepage rounding");
            verify(kernel.libc).mmap(any(), eq(MIB2), anyInt(),
                    eq(VfioStructs.MAP_SHARED | VfioStructs.MAP_ANONYMOUS | VfioStructs.MAP_POPULATE), eq(-1), eq(0L));
            assertTrue(r.isLive());
        }
        kernel.addFunctionQuietly("0000:02:00.0", 4);
        try (VfioPciFunction g = kernel.registry().open("0000:02:00.0", VfioOptions.defaults())) {
            g.dma().allocate(4096);
        }
        List<ILoggingEvent> warnings = log.list.stream()
                .filter(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("hugepages"))
                .toList();
        assertEquals(1, warnings.size(), "one warning per process: " + warnings);
        assertTrue(warnings.getFirst().getFormattedMessage().contains("tools/nvme4j-setup hugepages"));
        detach(log);
    }

    @Test
    void mapDmaEnomemExplainsTheMemlockLimit() {
        kernel.mapDmaErrno = NativeException.ENOMEM;
        kernel.memlock = new ResourceLimit(64 << 10, 64 << 10);
        try (VfioPciFunction f = kernel.registry(true).open(ADDRESS, VfioOptions.defaults())) {
            DmaException e = assertThrows(DmaException.class, () -> f.dma().allocate(4096));
            String m = e.getMessage();
            assertTrue(m.contains("VFIO_IOMMU_MAP_DMA of 2097152 bytes failed with ENOMEM"), m);
            assertTrue(m.contains("RLIMIT_MEMLOCK"), m);
            assertTrue(m.contains("ulimit -l unlimited"), m);
            assertTrue(m.contains("/etc/security/limits.conf"), m);
            assertTrue(m.contains("LimitMEMLOCK=infinity"), m);
            assertTrue(kernel.hostMappings.isEmpty(), "host memory returned");
            kernel.mapDmaErrno = 0;
            assertEquals(0x20_0000L, f.dma().allocate(4096).iova(), "the IOVA of the failed map is free again");
        }
    }

    @Test
    void tooLowMemlockLimitIsRefusedBeforePinning() {
        kernel.memlock = new ResourceLimit(64 << 10, 64 << 10);
        try (VfioPciFunction f = open()) {
            DmaException e = assertThrows(DmaException.class, () -> f.dma().allocate(4096));
            assertTrue(e.getMessage().contains("cannot pin 2097152 more bytes"), e.getMessage());
            assertTrue(e.getMessage().contains("ulimit -l unlimited"), e.getMessage());
            verify(kernel.libc, never()).ioctl(anyInt(), eq(VfioIoctls.VFIO_IOMMU_MAP_DMA), any(MemorySegment.class));
        }
    }

    @Test
    void lowMemlockLimitDoesNotStopAProcessWithCapIpcLock() {
        kernel.memlock = new ResourceLimit(64 << 10, 64 << 10);
        try (VfioPciFunction f = kernel.registry(true).open(ADDRESS, VfioOptions.defaults())) {
            assertTrue(f.dma().allocate(4096).isLive());
        }
    }

    @Test
    void eachFunctionUnmapsOnlyItsOwnRegionsOnClose() throws IOException {
        kernel.addFunction("0000:02:00.0", 4, "vfio-pci");
        VfioRegistry registry = kernel.registry();
        VfioPciFunction a = registry.open(ADDRESS, VfioOptions.defaults());
        VfioPciFunction b = registry.open("0000:02:00.0", VfioOptions.defaults());
        DmaRegion ra = a.dma().allocate(4096);
        DmaRegion rb = b.dma().allocate(4096);
        a.close();
        assertEquals(1, kernel.dmaUnmaps.size());
        assertEquals(ra.iova(), kernel.dmaUnmaps.getFirst().iova());
        assertFalse(ra.isLive());
        assertTrue(rb.isLive());
        assertThrows(IllegalArgumentException.class, () -> b.dma().free(ra));
        b.close();
        assertEquals(rb.iova(), kernel.dmaUnmaps.getLast().iova());
        assertThrows(IllegalStateException.class, () -> b.dma().allocate(4096));
    }

    @Test
    void iovaBelowOneMebibyteIsNeverUsed() {
        try (VfioPciFunction f = open()) {
            assertTrue(f.dma().allocate(4096).iova() >= 0x10_0000L);
        }
    }

    private VfioPciFunction open() {
        return kernel.registry().open(ADDRESS, VfioOptions.defaults());
    }

    private static ListAppender<ILoggingEvent> capture() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger(VfioDmaAllocator.class)).addAppender(appender);
        return appender;
    }

    private static void detach(ListAppender<ILoggingEvent> appender) {
        ((Logger) LoggerFactory.getLogger(VfioDmaAllocator.class)).detachAppender(appender);
    }
}
