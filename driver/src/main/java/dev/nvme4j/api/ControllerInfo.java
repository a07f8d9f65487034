package dev.nvme4j.api;

/**
 * What Identify Controller (NVMe Base Specification 2.0, section 5.17.2.1, figure 275) and
 * the controller registers say about a controller. Immutable and thread-safe.
 *
 * @param pciVendorId        VID
 * @param subsystemVendorId  SSVID
 * @param serialNumber       SN, trimmed
 * @param modelNumber        MN, trimmed
 * @param firmwareRevision   FR, trimmed
 * @param version            VS register (major &lt;&lt; 16 | minor &lt;&lt; 8 | tertiary)
 * @param maxTransferBytes   MDTS in bytes (0: no limit reported)
 * @param namespaceCount     NN
 * @param oncs               Optional NVM Command Support bits
 * @param oacs               Optional Admin Command Support bits
 * @param volatileWriteCache VWC bit 0: a volatile write cache is present
 * @param abortCommandLimit  ACL + 1: concurrent Abort commands allowed
 * @param asyncEventLimit    AERL + 1: outstanding Asynchronous Event Requests allowed
 * @param maxQueueEntries    CAP.MQES + 1
 * @param pageSize           host memory page size in use (CC.MPS)
 * @param ioQueuePairsGranted I/O queue pairs the controller granted (Number of Queues)
 * @param doorbellStride     bytes between doorbells (4 &lt;&lt; CAP.DSTRD)
 */
public record ControllerInfo(int pciVendorId, int subsystemVendorId, String serialNumber, String modelNumber,
                             String firmwareRevision, int version, long maxTransferBytes, int namespaceCount,
                             int oncs, int oacs, boolean volatileWriteCache, int abortCommandLimit,
                             int asyncEventLimit, int maxQueueEntries, int pageSize, int ioQueuePairsGranted,
                             int doorbellStride) {
    /** ONCS bit 3: Write Zeroes supported. */
    public boolean supportsWriteZeroes() {
        return (oncs & (1 << 3)) != 0;
    }

    /** ONCS bit 2: Dataset Management supported. */
    public boolean supportsDatasetManagement() {
        return (oncs & (1 << 2)) != 0;
    }

    /** "major.minor.tertiary". */
    public String versionString() {
        return (version >>> 16) + "." + ((version >>> 8) & 0xFF) + "." + (version & 0xFF);
    }
}
