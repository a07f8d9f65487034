package dev.nvme4j.device;

import dev.nvme4j.spec.Le;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link Mmio} over native memory standing in for a BAR. */
class MmioTest {

    @Test
    void registersAreLittleEndian() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bar = arena.allocate(4096, 4096);
            Mmio mmio = new Mmio(bar);
            mmio.write32(0x14, 0x0046_0001);
            assertEquals(0x01, bar.get(ValueLayout.JAVA_BYTE, 0x14));
            assertEquals(0x46, bar.get(ValueLayout.JAVA_BYTE, 0x16));
            assertEquals(0x0046_0001, mmio.read32(0x14));

            mmio.write64(0x28, 0x0000_0001_2345_6000L);
            assertEquals(0x2345_6000, bar.get(Le.INT_ALIGNED, 0x28));
            assertEquals(1, bar.get(Le.INT_ALIGNED, 0x2C));
            assertEquals(0x0000_0001_2345_6000L, mmio.read64(0x28));
        }
    }

    @Test
    void doorbellPublishesEarlierPlainStoresToAnotherThread() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment bar = arena.allocate(8192, 4096); // doorbells start at 0x1000
            MemorySegment queue = arena.allocate(64 * 1024, 4096);
            Mmio mmio = new Mmio(bar);
            int entries = 1000;
            // The "device" waits for each doorbell value and then checks the entry it covers.
            CompletableFuture<Integer> device = CompletableFuture.supplyAsync(() -> {
                int mismatches = 0;
                for (int tail = 1; tail <= entries; tail++) {
                    while (mmio.read32(0x1000) < tail) {
                        Thread.onSpinWait();
                    }
                    if (queue.get(ValueLayout.JAVA_INT, (tail - 1) * 64L) != tail * 7) {
                        mismatches++;
                    }
                }
                return mismatches;
            });
            for (int tail = 1; tail <= entries; tail++) {
                queue.set(ValueLayout.JAVA_INT, (tail - 1) * 64L, tail * 7); // plain store
                mmio.writeDoorbell(0x1000, tail);
            }
            assertEquals(0, device.get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void heapSegmentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Mmio(MemorySegment.ofArray(new byte[4096])));
    }
}
