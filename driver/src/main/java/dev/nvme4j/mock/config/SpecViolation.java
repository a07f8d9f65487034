package dev.nvme4j.mock.config;

/**
 * A host mistake the mock controller detected: something the NVMe specification forbids the
 * host to do. Tests assert there are none with {@link MockController#assertNoViolations()}.
 *
 * @param kind   what rule was broken
 * @param detail the values involved, for the failure message
 */
public record SpecViolation(Kind kind, String detail) {
    /** The rules the detector checks, with the specification section each comes from. */
    public enum Kind {
        /**
         * The host moved a shadow doorbell (SQ tail or CQ head) past the controller's EventIdx and
         * did not write the MMIO doorbell (Base 5.8 Doorbell Buffer Config): the controller does
         * not look at the shadow value until it is rung.
         */
        SHADOW_DOORBELL_NOT_RUNG,
        /** SQ tail doorbell value not below the queue size (PCIe transport 3.1.2, Base 3.3.1). */
        SQ_TAIL_OUT_OF_RANGE,
        /** CQ head doorbell value not below the queue size (PCIe transport 3.1.2). */
        CQ_HEAD_OUT_OF_RANGE,
        /** CQ head doorbell releases slots the controller never posted (Base 3.3.1.2). */
        CQ_HEAD_BEYOND_POSTED,
        /** A doorbell of a queue that does not exist (Base 3.3.1, "Invalid Doorbell Register"). */
        DOORBELL_FOR_NONEXISTENT_QUEUE,
        /** A doorbell written while CSTS.RDY is 0 (Base 3.5.1: only after the controller is ready). */
        DOORBELL_WHILE_NOT_READY,
        /** CC.EN set with an invalid AQA/ASQ/ACQ or CC field (Base 3.5.1, 3.1.3.5). */
        INVALID_ENABLE_CONFIGURATION,
        /** Queue memory not aligned to the memory page size (Base 3.1.3.9, 3.1.3.10, 5.4, 5.5). */
        UNALIGNED_QUEUE_MEMORY,
        /** A PRP entry with a forbidden offset (Base 4.1.1). */
        PRP_OFFSET_INVALID,
        /** An SGL descriptor of a type, sub type, length or place the spec forbids (Base 4.1.2). */
        SGL_DESCRIPTOR_INVALID,
        /** A command identifier reused while a command with it is outstanding on the SQ (Base 4.2). */
        COMMAND_ID_REUSED,
        /** The device was pointed at an IOVA that is not mapped (or a transfer crossing a mapping's end). */
        DMA_TO_UNMAPPED_ADDRESS,
        /** AQA, ASQ, ACQ or CC.CSS/MPS/AMS changed while CC.EN is 1 (Base 3.1.3.5, 3.1.3.8). */
        REGISTER_WRITE_WHILE_ENABLED,
        /** INTMS or INTMC accessed while MSI-X is enabled (Base 3.1.3.3: the host shall not). */
        INTERRUPT_MASK_WITH_MSIX,
        /**
         * More Abort commands outstanding than the Abort Command Limit allows (Identify Controller
         * ACL, 0's based; Base 5.1: the controller fails the excess with Abort Command Limit Exceeded).
         */
        ABORT_COMMAND_LIMIT_EXCEEDED
    }

    @Override
    public String toString() {
        return kind + ": " + detail;
    }
}
