package dev.nvme4j.spec;

/**
 * The EventIdx test of shadow doorbells (Doorbell Buffer Config, NVMe Base Specification 2.0,
 * section 5.8), the one virtio uses: moving a doorbell from {@code old} to {@code next} needs the
 * MMIO write when the controller's {@code event} is one of old, old+1, ..., next-1 in 16-bit
 * modular order. Queue indices wrap at the queue size (at most 65536), for which the 16-bit test
 * gives the same answer as ring order.
 */
public final class EventIdx {
    private EventIdx() {
    }

    public static boolean needEvent(int event, int next, int old) {
        return ((next - event - 1) & 0xFFFF) < ((next - old) & 0xFFFF);
    }
}
