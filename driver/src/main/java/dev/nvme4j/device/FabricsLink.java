package dev.nvme4j.device;

/**
 * What a function reached over a fabric (NVMe/TCP) adds to the memory queue model: the SQ and CQ
 * rings live in host memory as for PCIe, but no device writes completion entries into them by
 * DMA. The transport receives completions (capsule responses) and writes them into the CQ ring
 * itself when the queue's user asks for completions. The driver calls {@link #pump} before it
 * looks at a CQ; PCIe functions have no link ({@link PciFunction#fabricsLink()} is null), so
 * their hot path pays one null test per reap.
 */
public interface FabricsLink {
    /**
     * Moves what arrived for queue {@code qid} into its CQ ring (entries written with DW3 last, as
     * a device would), answers transfer requests and sends what is queued. Never throws for a
     * connection failure: the transport reports that through CSTS.CFS. Called by the thread that
     * owns the queue (the pair's gate holder, or the admin queue's lock holder).
     */
    void pump(int qid);

    /**
     * Why the transport reports CSTS.CFS when the cause is its own (a connection reset, a Keep
     * Alive or command timeout, a digest error, a malformed PDU), or null when it is not (no
     * broken connection: the controller itself reported a fatal status). The driver names it as
     * the reason of the reset that follows.
     */
    default String failureCause() {
        return null;
    }

    /**
     * True when every command's data must be described by one SGL Data Block descriptor (the
     * fabrics rule: NVMe over Fabrics 1.1, 2.3.1); the driver then never builds PRPs.
     */
    default boolean sglOnly() {
        return true;
    }
}
