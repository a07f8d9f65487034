package dev.nvme4j.ctrl;

import dev.nvme4j.api.Completion;
import dev.nvme4j.api.RawCommand;
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

    private ShadowDoorbellSetup() {
    }

    /**
     * At bring-up: when the controller offers Doorbell Buffer Config (OACS bit 8) and the options
     * allow it, allocates the two pages and configures them. Returns null (MMIO doorbells only)
     * otherwise, also when the command fails (logged).
     */
    static ShadowDoorbells setUp(NvmeController ctrl, int oacs, int pageSize, int dstrd) {
        if (!ctrl.options.shadowDoorbells() || (oacs & IdentifyLayout.OACS_DOORBELL_BUFFER_CONFIG) == 0) {
            return null;
        }
        DmaRegion pages = ctrl.dma.allocate(2L * pageSize);
        ShadowDoorbells s = new ShadowDoorbells(pages, pageSize, dstrd);
        if (!configure(ctrl, s, false)) {
            ctrl.dma.free(pages);
            return null;
        }
        return s;
    }

    /**
     * Sends Doorbell Buffer Config with {@code s}'s pages (cleared first) and attaches the admin
     * queue; on failure the admin queue is detached again. {@code urgent}: inside the reset.
     */
    static boolean configure(NvmeController ctrl, ShadowDoorbells s, boolean urgent) {
        CommandQueue aq = ctrl.admin.commandQueue();
        s.clear();
        aq.attachShadow(s, true);
        long base = s.region().iova();
        long page = s.region().segment().byteSize() / 2;
        RawCommand cmd = RawCommand.of(Opcodes.ADMIN_DOORBELL_BUFFER_CONFIG, 0);
        String why;
        try {
            Completion c = ctrl.admin.executeWithPages(cmd, base, base + page, urgent, ctrl.adminTimeoutNanos);
            if (c.isSuccess()) {
                return true;
            }
            why = "status 0x" + Integer.toHexString(c.status());
        } catch (RuntimeException e) {
            why = e.getMessage();
        }
        aq.attachShadow(null, false);
        LOG.warn("{}: Doorbell Buffer Config failed ({}); using MMIO doorbells only", ctrl.address(), why);
        return false;
    }
}
