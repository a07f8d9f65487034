package dev.nvme4j.mock;

import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.api.Status;

/** A completion queue entry as the test host read it. */
record Cqe(int dw0, int sqHead, int sqId, int cid, int status) {
    NvmeStatus named() {
        return NvmeStatus.of(status);
    }

    boolean ok() {
        return status == 0;
    }

    boolean dnr() {
        return Status.dnr(status);
    }

    @Override
    public String toString() {
        return "Cqe[cid=" + cid + ", sq=" + sqId + ", sqHead=" + sqHead + ", dw0=0x" + Integer.toHexString(dw0)
                + ", " + (status == 0 ? "Success" : Status.describe(status)) + "]";
    }
}
