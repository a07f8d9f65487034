/**
 * The controller: bring-up, admin queue, identity, queue pair creation, recovery and teardown.
 * {@link dev.nvme4j.ctrl.Startup} brings the controller up and collects what it built in
 * {@link dev.nvme4j.ctrl.ControllerParts}; {@link dev.nvme4j.ctrl.NvmeController} builds its
 * parts from that once, each with final collaborators (docs/ARCHITECTURE.md, "Layers").
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
 * <h2>Why the watchdog never races an owner</h2>
 * Every access to a queue pair's state happens inside its {@link dev.nvme4j.queue.OwnerGate},
 * whose CAS/release hand-over orders each holder's writes before the next holder's reads;
 * application callbacks run only on the gate holder's thread. The argument in full, with the
 * other threads and the memory-ordering rules: docs/ARCHITECTURE.md ("Threads").
 *
 * <h2>Recovery ladder</h2>
 * See {@link dev.nvme4j.ctrl.Recovery}: CQ check (missed interrupt) then SQ doorbell re-ring
 * (lost kick) then Abort then controller reset ({@link dev.nvme4j.ctrl.ControllerReset},
 * resubmitting retryable commands) then failed. A dead device (CSTS all-ones) fails at once;
 * a fatal status (CSTS.CFS) resets.
 */
package dev.nvme4j.ctrl;
