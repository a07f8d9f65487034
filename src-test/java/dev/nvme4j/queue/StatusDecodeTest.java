package dev.nvme4j.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.api.NvmeException;
import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.api.Status;
import org.junit.jupiter.api.Test;

class StatusDecodeTest {
    @Test
    void decodesGenericAndCommandSpecificCodes() {
        assertEquals(NvmeStatus.LBA_OUT_OF_RANGE, NvmeStatus.of(Status.of(0, 0x80, true)));
        assertEquals(NvmeStatus.INVALID_QUEUE_IDENTIFIER, NvmeStatus.of(Status.of(1, 0x01, false)));
        assertEquals(NvmeStatus.UNRECOVERED_READ_ERROR, NvmeStatus.of(Status.of(2, 0x81, false)));
        assertEquals(NvmeStatus.UNKNOWN, NvmeStatus.of(Status.of(7, 0x42, false)));
    }

    @Test
    void hostAbortStatusIsCommandAbortedByHostWithDnr() {
        int s = QueuePairControl.HOST_ABORT;
        assertEquals(NvmeStatus.COMMAND_ABORTED_BY_HOST, NvmeStatus.of(s));
        assertTrue(Status.dnr(s));
    }

    @Test
    void exceptionMessageNamesCommandStatusAndCodes() {
        NvmeException e = NvmeException.forStatus("Read of 8 block(s) at LBA 100 on namespace 1",
                Status.of(0, 0x80, true));
        assertEquals("Read of 8 block(s) at LBA 100 on namespace 1 failed: LBA Out of Range (SCT 0x0, SC 0x80, DNR):"
                + " the blocks are beyond the end of the namespace; retrying will not help (DNR)",
                e.getMessage());
        assertEquals(NvmeStatus.LBA_OUT_OF_RANGE, e.nvmeStatus());
    }
}
