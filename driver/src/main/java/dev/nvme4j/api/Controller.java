package dev.nvme4j.api;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An NVMe controller brought up by nvme4j ({@link Nvme#open}): identity, namespaces, DMA
 * buffers, I/O queue pairs, admin commands, counters and teardown.
 *
 * <p>Thread-safety: every method may be called from any thread. Admin commands share one
 * admin queue (locked; not the hot path): when more are issued than it has slots, the extra
 * ones wait in software. I/O goes through {@link IoQueuePair}s, each with its own owner thread.
 */
public interface Controller extends AutoCloseable {
    /** PCI address or mock name. */
    String address();

    ControllerInfo info();

    ControllerState state();

    /**
     * When {@link #state()} is FAILED or REMOVED: why (e.g. "device removed: CSTS reads all-ones
     * (surprise removal ...)", or "device removed: the kernel requested the device back
     * (hot-unplug, unbind ...)").
     */
    String failureReason();

    /** Active namespaces, by NSID, as last identified (see {@link #rescanNamespaces()}). */
    List<Namespace> namespaces();

    /**
     * The active namespace {@code nsid}.
     *
     * @throws IllegalArgumentException when it is not active, naming the active ones
     */
    Namespace namespace(int nsid);

    /**
     * Allocates a zeroed DMA buffer of at least {@code bytes}, page aligned.
     *
     * @throws NvmeException when the memory cannot be allocated or mapped for the device; the
     *     message says why (memlock limit, hugepages, IOVA space) and what to do
     */
    DmaBuffer allocateBuffer(long bytes);

    /** Creates an I/O queue pair with the default depth and completion mode. */
    IoQueuePair createQueuePair();

    /**
     * Creates an I/O queue pair (CQ first, then SQ).
     *
     * @param depth entries per queue, 2 to CAP.MQES + 1
     * @param mode  how completions are waited for
     * @throws NvmeException when the queues' DMA memory cannot be allocated (the message says why)
     *     or the controller refuses to create them
     */
    IoQueuePair createQueuePair(int depth, CompletionMode mode);

    /** Sends an admin command; {@code buffer} may be null. Completes with the completion, errors included. */
    default CompletableFuture<Completion> adminPassthrough(RawCommand command, DmaBuffer buffer) {
        return adminPassthrough(command, buffer, null);
    }

    /**
     * As {@link #adminPassthrough(RawCommand, DmaBuffer)} with this command's own timeout instead
     * of {@link ControllerOptions#adminTimeout()} (null: that one): when it passes, the driver
     * aborts the command as it does any admin command past its deadline.
     */
    CompletableFuture<Completion> adminPassthrough(RawCommand command, DmaBuffer buffer, java.time.Duration timeout);

    /**
     * Reads {@code bytes} of log page {@code logPageId} from its start, for NSID 0xFFFFFFFF
     * (the controller as a whole); same as {@code getLogPage(logPageId, 0xFFFFFFFF, 0, bytes)}.
     */
    byte[] getLogPage(int logPageId, int bytes);

    /**
     * Reads {@code bytes} of log page {@code logPageId} starting {@code offset} bytes into it
     * (Get Log Page, NVMe Base Specification 2.0 section 5.16: NUMDL/NUMDU, LPOL/LPOU).
     *
     * @param nsid   the namespace the page is about, or 0xFFFFFFFF for the controller
     * @param offset byte offset into the page, a non-negative multiple of 4
     * @param bytes  a positive multiple of 4, at most 64 KiB
     * @throws NvmeException when the controller rejects the command (for example an offset
     *                       beyond the page, or a page it does not support)
     */
    byte[] getLogPage(int logPageId, int nsid, long offset, int bytes);

    /** The raw 4096-byte Identify Controller data structure (Identify CNS 01h, Base 5.17). */
    byte[] identifyController();

    /**
     * The raw 4096-byte Identify Namespace data structure of {@code nsid} (Identify CNS 00h,
     * NVM Command Set Specification 4.1.5.1).
     *
     * @throws NvmeException when the controller rejects the command (for example an invalid NSID)
     */
    byte[] identifyNamespace(int nsid);

    /** Get Features; returns completion dword 0. */
    int getFeature(int featureId, int cdw11);

    /** Set Features; returns completion dword 0. */
    int setFeature(int featureId, int cdw11);

    /**
     * Typed management operations: format, features, firmware, namespace management and
     * attachment, device self-test, sanitize (see {@link Management}).
     */
    Management management();

    /** Sets interrupt coalescing (Base 5.27.1.8): aggregation time in 100 us units and threshold. */
    void setInterruptCoalescing(int aggregationTime100us, int aggregationThreshold);

    /**
     * Resets the controller (NVMe Base Specification 2.0, section 3.7.2, Controller Level Reset)
     * and brings it back as it was, as every reset of recovery does: Number of Queues is
     * negotiated again; every feature set through {@link #setFeature}, {@link #setInterruptCoalescing}
     * and by the driver itself (Asynchronous Event Configuration) is set again, in the order it
     * was first set; the Asynchronous Event Requests are re-armed; each open queue pair is
     * re-created with its depth, interrupt vector and completion mode, and its outstanding
     * commands that have retries left are sent again (the others complete with an abort status).
     * Queue pair handles stay valid, except that of a pair whose owner stays inside one of its
     * callbacks for the 2 s the reset waits: its queues cannot be re-created without it, so it is
     * closed (outstanding commands complete with Command Aborted By Host; submitting to it throws
     * an {@link IllegalStateException} that says why). A feature the controller refuses to take
     * again does not stop the reset: it is logged, counted and listed by
     * {@link #featureRestoreFailures()}. Set Features sent through {@link #adminPassthrough} is
     * not recorded, so not set again. After the reset the namespaces are identified again, as by
     * {@link #rescanNamespaces()}.
     *
     * <p>Waits until the reset is done, for a bounded time (CAP.TO for disable and enable, the
     * admin timeout for each command the reset sends, and 2 s for queue pair owners to leave).
     * May be called from any thread, including an {@link AsyncEventListener}. Resets asked for
     * here do not count towards recovery's limit of 3 resets a minute.
     *
     * @throws IllegalStateException when the controller is closed or failed (or is closed meanwhile)
     * @throws NvmeException when the reset failed (the controller is then FAILED and
     *                       {@link #failureReason()} says why) or did not finish in time
     */
    void reset();

    /**
     * The features the most recent controller reset could not set again (the controller runs
     * with its default or saved value of each); empty when every feature was restored or no
     * reset happened. Each names the feature, the value and the controller's reason.
     */
    List<FeatureRestoreFailure> featureRestoreFailures();

    /**
     * Identifies the namespaces again (the active namespace list, then Identify Namespace of
     * each; NVMe Base 5.17) and returns what changed: namespaces that appeared, went away or
     * changed size or format. {@link #namespaces()} and {@link #namespace(int)} show the new
     * state; I/O to a namespace that went away completes with Invalid Namespace or Format. The
     * driver does the same by itself on a Namespace Attribute Changed event, for the NSIDs the
     * Changed Namespace List log page names. The {@link AsyncEventListener} is told of any
     * change ({@link AsyncEventListener#onNamespacesChanged}).
     *
     * <p>Runs on the controller's watchdog thread (after any reset under way) and waits for it,
     * bounded by the admin timeout of each command it sends. May be called from any thread.
     *
     * @throws IllegalStateException when the controller is closed, failed, or closed meanwhile
     * @throws NvmeException when an Identify command failed (the namespaces stay as they were)
     */
    NamespaceChanges rescanNamespaces();

    /**
     * Receives asynchronous events; null to stop. Events arrive on the controller's own event
     * thread, never the one that detects failures (see {@link AsyncEventListener}).
     */
    void setAsyncEventListener(AsyncEventListener listener);

    ControllerCounters counters();

    /**
     * Shuts the controller down: stops new I/O, deletes every I/O queue, notifies shutdown and
     * waits for it (bounded), disables it and releases every resource. In-flight commands
     * complete with an abort status. Returns within a bounded time even if the device is dead.
     * Idempotent, callable from any thread, but not from inside a queue pair's callback. A queue
     * pair whose owner stays inside one of its callbacks longer than the I/O timeout (at most
     * 10 s) is closed to new commands; its owner finishes it when that poll returns.
     *
     * @throws IllegalStateException when called from inside a callback of one of its queue pairs
     */
    @Override
    void close();
}
