package dev.nvme4j.mock.config;

/**
 * A snapshot of what a mock controller has done, for assertions.
 *
 * @param commandsProcessed    commands fetched from any SQ
 * @param adminCommands        of those, admin commands
 * @param ioCommands           of those, I/O commands
 * @param iommuFaults          DMA attempts to unmapped or out-of-range IOVAs
 * @param interruptsSignalled  MSI-X vector signals delivered
 * @param interruptsDropped    signals suppressed by a fault
 * @param interruptsDelayed    signals a fault made late
 * @param doorbellsIgnored     doorbell writes ignored (by a fault, or invalid)
 * @param completionsDeferred  completions that waited because their CQ was full
 * @param completionsDropped   completions lost on a full CQ (non-compliant mode only)
 * @param commandsHung         commands a fault made never complete
 * @param readsCorrupted       reads whose returned data a fault corrupted
 * @param abortsReceived       Abort commands the device executed
 * @param writesWhileRemoved   register and doorbell writes that reached the device after it was
 *                             removed (surprise removal, or released after a request): dropped,
 *                             since nothing is there to take them
 * @param violations           spec violations recorded
 */
public record MockCounters(
        long commandsProcessed,
        long adminCommands,
        long ioCommands,
        long iommuFaults,
        long interruptsSignalled,
        long interruptsDropped,
        long interruptsDelayed,
        long doorbellsIgnored,
        long completionsDeferred,
        long completionsDropped,
        long commandsHung,
        long readsCorrupted,
        long abortsReceived,
        long writesWhileRemoved,
        long violations) {
}
