package dev.nvme4j.mock.config;

import java.util.List;

/**
 * An in-process mock NVMe controller: a device model behind an IOMMU-like DMA table, with
 * fault injection and a detector of host specification violations. Created by
 * {@code dev.nvme4j.Nvme.createMock(MockConfig)} and driven through its PCI function by
 * {@code Nvme.open(MockController, ControllerOptions)}, exactly as hardware.
 *
 * <p>Thread-safe. {@link #step()} and {@link #runUntilIdle()} are for
 * {@link ExecutionMode#DETERMINISTIC} mode.
 */
public interface MockController extends AutoCloseable {
    /** The configuration it was created with. */
    MockConfig config();

    /** The fault injector. */
    FaultInjector faults();

    /** The spec violations recorded so far, oldest first. */
    List<SpecViolation> violations();

    /** Throws an {@link AssertionError} listing every recorded violation, if there is any. */
    void assertNoViolations();

    /** Forgets the recorded violations. */
    void clearViolations();

    /** A snapshot of the counters. */
    MockCounters counters();

    /** How many I/O submission queues the host created in the Controller Memory Buffer so far (0 without one). */
    default int cmbSubmissionQueuesCreated() {
        return 0;
    }

    /**
     * Deterministic mode: does one unit of device work (posts due completions, fires due
     * timers, then fetches and executes at most one command, admin queue first).
     *
     * @return true if there was work
     */
    boolean step();

    /**
     * Deterministic mode: does device work until nothing is left to do now.
     *
     * @return the number of commands executed
     */
    int runUntilIdle();

    /**
     * Masks or unmasks an MSI-X vector (the Mask bit of its MSI-X table entry, PCI Local Bus
     * 6.8.2.9). Signals of a masked vector stay pending and fire on unmask.
     */
    void setVectorMasked(int vector, boolean masked);

    /**
     * Raises a SMART / Health Status asynchronous event (Base 5.2, event type 1h) with the
     * given Critical Warning bits (SMART log byte 0), if enabled by Async Event Configuration.
     */
    void raiseSmartWarning(int criticalWarning);

    /** Raises a Namespace Attribute Changed notice (Base 5.2, event type 2h, info 00h) for {@code nsid}. */
    void raiseNamespaceAttributeChanged(int nsid);

    /**
     * Attaches a new namespace while the controller runs, at the lowest inactive NSID up to NN
     * ({@link MockConfig.Builder#nn}), and raises Namespace Attribute Changed for it (listed in
     * the Changed Namespace List log page, if enabled by Asynchronous Event Configuration bit 8).
     *
     * @return the new namespace's NSID
     * @throws IllegalStateException when every NSID up to NN is attached
     */
    int attachNamespace(NamespaceConfig ns);

    /**
     * Detaches namespace {@code nsid} (its data is dropped) and raises Namespace Attribute
     * Changed for it. I/O to it then completes with Invalid Namespace or Format, and Identify
     * Namespace returns a zero-filled structure.
     *
     * @throws IllegalArgumentException when it is not attached
     */
    void detachNamespace(int nsid);

    /**
     * Changes the size (NSZE = NCAP = NUSE) of namespace {@code nsid} to {@code blocks} logical
     * blocks and raises Namespace Attribute Changed for it. Data below the smaller size is kept;
     * blocks beyond the old size read as zeros.
     *
     * @throws IllegalArgumentException when it is not attached or {@code blocks < 1}
     */
    void resizeNamespace(int nsid, long blocks);

    /**
     * Waits until the host has released the device after {@link FaultInjector#requestRemoval()}
     * (closed the function, or given it back), as the kernel waits during a removal.
     *
     * @return true when it was released within {@code timeout}
     */
    boolean awaitRelease(java.time.Duration timeout) throws InterruptedException;

    /** Stops the device (and its thread) and releases the backing stores and DMA memory. Idempotent. */
    @Override
    void close();
}
