package dev.nvme4j.ctrl;

import dev.nvme4j.api.Completion;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.dma.DmaAllocator;
import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.queue.CommandQueue;
import dev.nvme4j.queue.ShadowDoorbells;
import dev.nvme4j.spec.IdentifyLayout;
import dev.nvme4j.spec.Opcodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the controller the shadow doorbell and EventIdx pages (Doorbell Buffer Config, NVMe Base
 * Specification 2.0, section 5.8) at bring-up and again after every controller reset, which
 * makes the controller forget them.
 *
 * <p>Which queues use them: the I/O queues skip MMIO writes the EventIdx does not ask for. The
 * admin queue keeps its shadow entries current (a controller may read them: the spec covers
 * every queue) but always writes the MMIO doorbell too: its commands are rare, the reset and
 * recovery paths depend on it, and it is the queue the buffer is configured through, so it must
 * keep working on a controller that reads only one of the two.
 */
final class ShadowDoorbellSetup {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowDoorbellSetup.class);

    private final String address;
    private final AdminQueue admin;
    private final DmaAllocator dma;
    private final long timeoutNanos;
    /** The configured pages, or null: MMIO doorbells only. Read when queues are (re)created. */
    private volatile ShadowDoorbells pages;

    ShadowDoorbellSetup(String address, AdminQueue admin, DmaAllocator dma, long timeoutNanos) {
        this.address = address;
        this.admin = admin;
        this.dma = dma;
        this.timeoutNanos = timeoutNanos;
    }

    /** The shadow doorbell and EventIdx pages, or null: MMIO doorbells only. */
    ShadowDoorbells pages() {
        return pages;
    }

    /**
     * At bring-up: when the controller offers Doorbell Buffer Config (OACS bit 8) and the options
     * allow it ({@code wanted}), allocates the two pages and configures them. Leaves MMIO doorbells
     * only otherwise, also when the command fails (logged).
     */
    void setUp(boolean wanted, int oacs, int pageSize, int dstrd) {
        if (!wanted || (oacs & IdentifyLayout.OACS_DOORBELL_BUFFER_CONFIG) == 0) {
            return;
        }
        DmaRegion region = dma.allocate(2L * pageSize);
        ShadowDoorbells s = new ShadowDoorbells(region, pageSize, dstrd);
        if (configure(s, false)) {
            pages = s;
        } else {
            dma.free(region);
        }
    }

    /**
     * Inside a controller reset, which made the controller forget the pages: configures them
     * again; if that fails, MMIO doorbells only from now on (the queues attach null when they are
     * recreated) and the pages are freed.
     */
    void configureAfterReset() {
        ShadowDoorbells s = pages;
        if (s != null && !configure(s, true)) {
            pages = null;
            dma.free(s.region());
        }
    }

    /** At close: frees the pages. */
    void release() {
        ShadowDoorbells s = pages;
        if (s != null) {
            pages = null;
            dma.free(s.region());
        }
    }

    /**
     * Sends Doorbell Buffer Config with {@code s}'s pages (cleared first) and attaches the admin
     * queue; on failure the admin queue is detached again. {@code urgent}: inside the reset.
     */
    private boolean configure(ShadowDoorbells s, boolean urgent) {
        CommandQueue aq = admin.commandQueue();
        s.clear();
        aq.attachShadow(s, true);
        long base = s.region().iova();
        long page = s.region().segment().byteSize() / 2;
        RawCommand cmd = RawCommand.of(Opcodes.ADMIN_DOORBELL_BUFFER_CONFIG, 0);
        String why;
        try {
            Completion c = admin.executeWithPages(cmd, base, base + page, urgent, timeoutNanos);
            if (c.isSuccess()) {
                return true;
            }
            why = "status 0x" + Integer.toHexString(c.status());
        } catch (RuntimeException e) {
            why = e.getMessage();
        }
        aq.attachShadow(null, false);
        LOG.warn("{}: Doorbell Buffer Config failed ({}); using MMIO doorbells only", address, why);
        return false;
    }
}
