/**
 * The hot path: submission and completion queues, trackers, PRP lists and the I/O queue pair.
 *
 * <h2>Pieces</h2>
 * <ul>
 * <li>{@link dev.nvme4j.queue.CommandQueue}: an SQ/CQ pair with its trackers; builds entries in
 * place, rings each doorbell once per batch, reaps completions (phase with acquire, CQ head
 * doorbell before any tracker is released). The memory-ordering rules are stated once in
 * docs/ARCHITECTURE.md ("Memory ordering").</li>
 * <li>{@link dev.nvme4j.queue.TrackerPool} / {@link dev.nvme4j.queue.Tracker}: intrusive free
 * stack, a preallocated PRP list area and a saved copy of the entry each; CIDs carry a
 * generation number above the tracker index, so duplicate or stale completion entries are
 * recognised and dropped.</li>
 * <li>{@link dev.nvme4j.queue.PrpBuilder}: PRP1/PRP2/PRP lists with chaining (Base 4.1.1).</li>
 * <li>IoQueuePairImpl (package-private): requests (split at MDTS, completed once), completion
 * modes; its submit path (gate, open check, argument checks, request slot) is Submission.</li>
 * <li>{@link dev.nvme4j.queue.QueuePairControl}: the hooks the controller's recovery, reset,
 * removal and close use, handed to the controller at creation, never to the application.</li>
 * <li>{@link dev.nvme4j.queue.RecoveryStep}: the steps of the recovery ladder, in one place.</li>
 * <li>{@link dev.nvme4j.queue.OwnerGate}: the single-owner rule made safe against the
 * controller's own threads.</li>
 * <li>CommandWriter (entries in place), PendingRequests (split requests waiting for room),
 * RequestSlots (requests, completion of their parts, callbacks and what a throwing callback
 * does), RetryQueue (error statuses without DNR, retried after the Command Retry Delay),
 * PairTeardown (failing what the device will not answer, closing without ever running
 * callbacks beside the owner) and CompletionWaiter (poll / interrupt / hybrid waiting,
 * missed-interrupt detection): the queue pair's parts.</li>
 * </ul>
 *
 * <h2>Rules</h2>
 * No allocation and no lock per I/O in steady state (proved by a test over a million I/Os);
 * errors of a command arrive through its completion; wrong arguments are refused before
 * anything reaches the device.
 */
package dev.nvme4j.queue;
