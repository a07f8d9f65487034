/**
 * The controller: bring-up, admin queue, identity, queue pair creation, recovery and teardown.
 *
 * <h2>Threads</h2>
 * <ul>
 * <li>Application threads: any thread may call {@link dev.nvme4j.api.Controller} methods; the
 * admin queue is locked ({@link dev.nvme4j.ctrl.AdminQueue}), and a thread waiting for an admin
 * completion reaps the admin CQ itself. Each I/O queue pair has one owner thread.</li>
 * <li>The watchdog ({@link dev.nvme4j.ctrl.Watchdog}), one daemon thread per controller: reaps
 * the admin queue for futures nobody waits on and for asynchronous events, watches CSTS, checks
 * deadlines of queue pairs nobody is inside, and runs controller resets.</li>
 * </ul>
 *
 * <h2>Why the watchdog never races an owner (proof of ordering)</h2>
 * Every access to a queue pair's state (rings, trackers, requests, counters) happens inside its
 * {@link dev.nvme4j.queue.OwnerGate}. The owner enters with a CAS FREE to OWNER and leaves with
 * a release store of FREE; the watchdog, a reset or close enters only with a CAS FREE to SYSTEM
 * (never while the owner is inside) and leaves the same way. A successful CAS reads the value
 * written by the previous release store, so each holder's writes happen-before the next
 * holder's reads: the queue state is handed over like a lock, without the owner ever blocking
 * on it (it spins only behind short system work, never behind another application thread, which
 * is refused). Application callbacks run only in the owner's poll (or in close, which holds the
 * gate), so they never run concurrently with the owner: recovery marks trackers, writes
 * doorbells, sends Abort or resets, and wakes the owner; completions reach the application on
 * the owner's next poll.
 *
 * <h2>Recovery ladder</h2>
 * See {@link dev.nvme4j.ctrl.Recovery}: CQ check (missed interrupt) then SQ doorbell re-ring
 * (lost kick) then Abort then controller reset ({@link dev.nvme4j.ctrl.ControllerReset},
 * resubmitting retryable commands) then failed. A dead device (CSTS all-ones) fails at once;
 * a fatal status (CSTS.CFS) resets.
 */
package dev.nvme4j.ctrl;
