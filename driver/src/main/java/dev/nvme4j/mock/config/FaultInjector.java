package dev.nvme4j.mock.config;

import java.time.Duration;

/**
 * Programmatic fault injection into a mock controller. Each method installs a fault and
 * returns its handle; faults apply to events that match their {@link FaultMatch}. Thread-safe:
 * faults may be installed while the device runs.
 */
public interface FaultInjector {
    /** Missed MSI-X: completions are posted but their vector is not signalled. Matches by CQ id and opcode. */
    FaultHandle dropInterrupts(FaultMatch match);

    /**
     * Late MSI-X: completions are posted at once but their vector is signalled {@code delay}
     * later (signals due meanwhile merge into the pending one). Matches by CQ id and opcode.
     */
    FaultHandle delayInterrupts(FaultMatch match, Duration delay);

    /** Lost kick: an SQ tail doorbell write is ignored (the host must ring again). Matches by SQ id. */
    FaultHandle ignoreSqDoorbell(FaultMatch match);

    /**
     * The command is fetched but never completes. An Abort for it completes it with
     * "Command Abort Requested" unless {@code abortAlsoHangs}, in which case the Abort hangs too.
     * Deleting its SQ or resetting the controller ends it.
     */
    FaultHandle hangCommands(FaultMatch match, boolean abortAlsoHangs);

    /** The command's completion is posted {@code delay} after it would have been. */
    FaultHandle delayCompletions(FaultMatch match, Duration delay);

    /**
     * The command completes normally, and a copy of its completion entry (same CID, status and
     * DW0) is posted again {@code delay} after the original: a duplicate (delay 0: right behind
     * it) or a stale completion that arrives after the host may have reused the CID. A copy
     * that finds the CQ full is dropped. Matches by SQ id and opcode.
     */
    FaultHandle duplicateCompletions(FaultMatch match, Duration delay);

    /**
     * The command is not executed and completes with {@code status} (a raw 15-bit status field
     * as in {@link dev.nvme4j.api.Status}; include {@link dev.nvme4j.api.Status#DNR_BIT} for DNR).
     */
    FaultHandle completeWithStatus(FaultMatch match, int status);

    /**
     * Set Features of feature {@code featureId} is not executed and completes with {@code status}
     * (as in {@link #completeWithStatus}): a controller that no longer takes a value, for example
     * after a reset. Other features are set as usual.
     */
    FaultHandle refuseFeature(int featureId, int status);

    /**
     * Flips one byte of the data a Read returns for logical block {@code lba} of namespace
     * {@code nsid} (the first byte of that block), each time a read covers it.
     */
    FaultHandle corruptReadAt(int nsid, long lba);

    /**
     * Corrupts logical block {@code lba} of namespace {@code nsid} on the media, as every later read
     * sees it before any protection check: its first data byte, or (with
     * {@code protectionInformation}, on a namespace with metadata) the first byte of its PI guard.
     * Only namespaces with metadata go through this path.
     */
    FaultHandle corruptMediaAt(int nsid, long lba, boolean protectionInformation);

    /** Flips one byte (at a pseudo-random offset) of the data returned by matching reads. */
    FaultHandle corruptReads(FaultMatch match);

    /** Sets CSTS.CFS: the controller stops processing commands until it is reset (CC.EN 1 to 0). */
    void setControllerFatalStatus();

    /** Surprise removal: every register reads all ones, writes are ignored, DMA stops, nothing completes. */
    void surpriseRemoval();

    /**
     * The kernel requests the device back, as on a hot-unplug or an unbind from vfio-pci: the
     * device request interrupt fires (again on each call, as the kernel repeats it) and the
     * device keeps working until the host releases it; then it is gone as on
     * {@link #surpriseRemoval()}. {@link MockController#awaitRelease} waits for the release, as
     * the kernel does. Without {@link MockConfig#deviceInterrupts()} nobody is told.
     */
    void requestRemoval();

    /**
     * The PCIe error interrupt (Advanced Error Reporting) fires once; combine it with
     * {@link #setControllerFatalStatus()} or {@link #surpriseRemoval()} for the state the host
     * finds. Without {@link MockConfig#deviceInterrupts()} nobody is told.
     */
    void raiseErrorInterrupt();

    /** Changes the CC.EN 0-to-1 to CSTS.RDY delay from now on. */
    void slowEnable(Duration delay);

    /** Changes the CC.EN 1-to-0 to CSTS.RDY cleared delay from now on. */
    void slowDisable(Duration delay);

    /** Changes the CC.SHN to CSTS.SHST complete delay from now on. */
    void slowShutdown(Duration delay);

    /**
     * NON-COMPLIANT mode: when a CQ is full, drop the completion instead of waiting for the host
     * to free a slot (Base 3.3.1.2.1 forbids this; an emulated controller did it and hosts hung).
     */
    void dropCompletionsWhenCqFull(boolean enabled);

    /** Removes every installed fault and turns the non-compliant mode off; delays stay as set. */
    void clear();
}
