package dev.nvme4j.block;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.IoCallback;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.api.Status;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The owner of one queue pair of a {@link BlockDevice}, and the rounds of work that drive it.
 *
 * <p>Callers push their requests onto the pair's {@link HandOff} (one compare-and-set). A round
 * takes everything pushed since the last one, submits it in arrival order (one SQ doorbell for
 * the batch), polls the completions without waiting (one CQ doorbell) and hands each outcome to
 * its waiter. Only the holder of the pair's drive flag (one compare-and-set; nobody waits for
 * it) runs a round. In the POLL and HYBRID modes that is usually a caller that just pushed
 * ({@link #hand}): while it drives, other callers push behind it and park, and it takes their
 * requests too in its next round, so many callers share each doorbell. A caller whose own I/O
 * completes in its round never parks. Whoever lets go of the flag looks at the stack again
 * (nothing pushed is left without a driver) and wakes a sleeping owner when I/O is still
 * outstanding (every outstanding I/O has a poller). The owner, a dedicated platform thread,
 * keeps the pair going while I/O is outstanding and no caller drives it (POLL: spinning;
 * HYBRID and INTERRUPT: waiting for the pair's interrupt, holding the flag), sleeps otherwise,
 * and every {@value #SCAN_MILLIS} ms looks for waiters past their wait timeout and wakes them:
 * callers park without a timeout (no timer per wait). In INTERRUPT mode callers only push and
 * wake the owner, which alone drives the pair.
 * The flag gives the queue pair's one-owner-at-a-time model its happens-before edge (CAS to
 * take, volatile store to release); once the owner has exited it holds the flag for good, and
 * only it closes the pair.
 */
final class BlockOwner implements Runnable, IoCallback {
    /** Longest wait for a completion before the hand-off is looked at again. */
    private static final Duration IDLE_WAIT = Duration.ofNanos(100_000);
    private static final long PARK_NANOS = 1_000_000; // longest sleep with nothing to do (callers wake it at once)
    static final long SCAN_MILLIS = 10;
    private static final int MAX_CALLER_ROUNDS = 64; // then a caller leaves the rest to the owner
    private static final int FREE = 0;
    private static final int DRIVING = 1;
    private static final int GONE = 2;
    private static final VarHandle DRIVER;

    static {
        try {
            DRIVER = MethodHandles.lookup().findVarHandle(BlockOwner.class, "driver", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final BlockDevice device;
    private final IoQueuePair qp;
    private final Namespace ns;
    private final HandOff handOff;
    private final Thread thread;
    private final boolean spinWhileOutstanding;
    private final boolean callersDrive;
    private final long waitNanos;
    private final Consumer<BlockRequest> deadlineCheck = this::checkDeadline;
    /** FREE, DRIVING (someone runs a round) or GONE (the owner exited and keeps the pair). */
    @SuppressWarnings("unused") // through DRIVER
    private volatile int driver;
    private volatile boolean parked;
    private volatile boolean stopping;
    private volatile boolean terminated;
    private volatile long stopDeadline;
    /** Rounds run by callers, and the requests the last round submitted; written by the flag's holder. */
    private long callerRounds;
    /** Whether the last caller that drove had to wait for its own I/O after its rounds (racy, a hint). */
    private boolean callersWait;
    /** The owner's: the last deadline scan, and the time the current one runs at. */
    private long lastScan;
    private long scanNow;

    BlockOwner(BlockDevice device, int index, IoQueuePair qp, int slotCount) {
        this.device = device;
        this.qp = qp;
        this.ns = device.ns();
        CompletionMode mode = device.options().completionMode();
        this.spinWhileOutstanding = mode == CompletionMode.POLL;
        this.callersDrive = mode != CompletionMode.INTERRUPT;
        this.waitNanos = device.waitNanos();
        this.handOff = new HandOff(slotCount);
        this.thread = Thread.ofPlatform().daemon().name("nvme4j-block-ns" + ns.nsid() + "-q" + index).unstarted(this);
    }

    void start() {
        thread.start();
    }

    BlockDevice device() {
        return device;
    }

    dev.nvme4j.api.QueueCounters counters() {
        return qp.counters();
    }

    /** Whether nobody drives the pair at this instant (a hint for choosing a pair). */
    boolean undriven() {
        return driver == FREE;
    }

    long callerRounds() {
        return callerRounds;
    }

    /**
     * Caller side: pushes a filled request and, in the POLL and HYBRID modes, if nobody drives
     * the pair, runs rounds on the calling thread (see the class comment); in INTERRUPT mode
     * wakes the owner if it sleeps. Never waits.
     */
    void hand(BlockRequest r) {
        BlockRequest below = handOff.push(r);
        if (terminated) { // the owner may have looked at the hand-off for the last time
            finish(r, 0, closedError());
            return;
        }
        if (!callersDrive) {
            if (parked) {
                LockSupport.unpark(thread);
            }
            return;
        }
        if (below != null) { // whoever takes the request below takes this one with it
            return;
        }
        if (callersWait || !spinWhileOutstanding) {
            gather();
        }
        if (drive()) {
            callersWait = r.state() != BlockRequest.DONE;
        }
    }

    /**
     * The first caller onto an empty hand-off, in HYBRID mode (each batch of completions costs an
     * interrupt) or when callers' I/O lately outlasted their own rounds (so they park anyway): a
     * virtual thread lets the other virtual threads of its carrier run first, so that those about
     * to make a call push theirs, and the round it then runs takes all of them with one doorbell.
     * In POLL mode with a device that answers within the round, every caller runs its own round
     * and none parks (cheaper than a park and an unpark per I/O).
     */
    private static void gather() {
        if (Thread.currentThread().isVirtual()) {
            Thread.yield();
        }
    }

    /**
     * Runs rounds while the flag can be had and callers pushed more, then makes sure the owner
     * polls what is left. A round reaps completions until nothing is outstanding or a poll finds
     * none. True when it ran at least one round.
     */
    private boolean drive() {
        int rounds = 0;
        while (DRIVER.compareAndSet(this, FREE, DRIVING)) {
            rounds++;
            try {
                callerRounds++;
                submitWaiting();
                while (qp.outstanding() > 0 && qp.poll() > 0) {
                    Thread.onSpinWait(); // reaps a batch larger than one poll's cap, and stops once nothing came
                }
            } catch (RuntimeException e) { // the pair failed: the owner sees it too and fails what is left
                driver = FREE;
                LockSupport.unpark(thread);
                return true;
            }
            driver = FREE;
            if (!handOff.pushed() || rounds == MAX_CALLER_ROUNDS) {
                break;
            }
        }
        if (parked && (qp.outstanding() > 0 || handOff.pushed())) {
            LockSupport.unpark(thread);
        }
        return rounds > 0;
    }

    /** Owner side: takes the flag, waiting for a caller's short round to end (callers never hold it long). */
    private void takeFlag() {
        int spins = 0;
        while (!DRIVER.compareAndSet(this, FREE, DRIVING)) {
            if (++spins < 100) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    boolean terminated() {
        return terminated;
    }

    @Override
    public void run() {
        try {
            while (!stopping) {
                takeFlag();
                int moved;
                int done;
                boolean waited = false;
                try {
                    moved = submitWaiting();
                    done = qp.outstanding() > 0 ? qp.poll() : 0;
                    if (moved == 0 && done == 0 && qp.outstanding() > 0 && !spinWhileOutstanding) {
                        qp.process(IDLE_WAIT); // blocks on the interrupt (holding the flag): callers push meanwhile
                        waited = true;
                    }
                    scanIfDue();
                } finally {
                    driver = FREE;
                }
                if (!waited && moved == 0 && done == 0) {
                    idle();
                }
            }
            // Closing: what callers handed over before the close still goes out; in flight finishes.
            while (System.nanoTime() - stopDeadline < 0
                    && (handOff.pushed() || handOff.waiting() || qp.outstanding() > 0)) {
                takeFlag();
                try {
                    int moved = submitWaiting();
                    if (qp.outstanding() > 0) {
                        qp.process(IDLE_WAIT);
                    } else if (moved == 0) {
                        LockSupport.parkNanos(PARK_NANOS);
                    }
                } finally {
                    driver = FREE;
                }
            }
        } catch (RuntimeException e) {
            System.getLogger(BlockOwner.class.getName()).log(System.Logger.Level.ERROR,
                    "owner of " + device.describe() + " stopped: " + e, e);
        } finally {
            terminated = true;
            takeFlag();
            driver = GONE; // from here on only this thread touches the pair
            failQueued();
            try {
                qp.close(); // what is still outstanding completes with an abort status, here
            } catch (RuntimeException e) {
                System.getLogger(BlockOwner.class.getName()).log(System.Logger.Level.WARNING,
                        "closing a queue pair of " + device.describe() + ": " + e);
            }
            for (int tag; (tag = handOff.anyInFlight()) >= 0; ) { // the pair's close left none; in case
                finishOrDrop(handOff.leave(tag));
            }
            failQueued();
        }
    }

    /**
     * Nothing moved in the last round: spins while I/O is outstanding (POLL mode), else sleeps
     * until a caller or a driver that left I/O outstanding wakes it (bounded by PARK_NANOS).
     */
    private void idle() {
        if (qp.outstanding() > 0 && driver == FREE) {
            Thread.onSpinWait();
            return;
        }
        parked = true;
        // A caller's round still running will wake us if it leaves I/O outstanding.
        if (!handOff.pushed() && !stopping && (driver != FREE || qp.outstanding() == 0)) {
            LockSupport.parkNanos(this, PARK_NANOS);
        }
        parked = false;
    }

    /** Flag holder: every SCAN_MILLIS, wakes the waiters that waited longer than the wait timeout. */
    private void scanIfDue() {
        long now = System.nanoTime();
        if (now - lastScan >= SCAN_MILLIS * 1_000_000) {
            lastScan = now;
            scanNow = now | 1;
            handOff.forEach(deadlineCheck);
        }
    }

    private void checkDeadline(BlockRequest r) {
        Thread w = r.waiter;
        if (w == null || r.state() != BlockRequest.PENDING) {
            return;
        }
        if (r.seenAt == 0) {
            r.seenAt = scanNow;
        } else if (scanNow - r.seenAt >= waitNanos) {
            r.expired = true;
            LockSupport.unpark(w);
        }
    }

    /** Flag holder: submits the waiting line, oldest first, until it is empty or the pair is full. */
    private int submitWaiting() {
        handOff.takePushed();
        int moved = 0;
        BlockRequest r;
        while ((r = handOff.first()) != null) {
            int s = r.state();
            if (s != BlockRequest.PENDING) { // ABANDONED: its waiter gave up; DONE: a close failed it
                handOff.removeFirst();
                if (s == BlockRequest.ABANDONED) {
                    device.releaseBounce(r.bounceIndex);
                }
                continue;
            }
            int tag = handOff.enter(r);
            if (tag < 0) {
                return moved;
            }
            boolean accepted;
            try {
                accepted = issue(r, tag);
            } catch (RuntimeException e) {
                handOff.leave(tag);
                handOff.removeFirst();
                finish(r, 0, e);
                moved++;
                continue;
            }
            if (!accepted) {
                handOff.leave(tag);
                return moved;
            }
            handOff.removeFirst();
            moved++;
        }
        return moved;
    }

    private boolean issue(BlockRequest r, int tag) {
        return switch (r.op) {
            case BlockDevice.OP_READ -> qp.read(ns, r.lba, r.blocks, r.buffer, this, tag);
            case BlockDevice.OP_WRITE -> qp.write(ns, r.lba, r.blocks, r.buffer, this, tag);
            case BlockDevice.OP_FLUSH -> qp.flush(ns, this, tag);
            case BlockDevice.OP_WRITE_ZEROES -> qp.writeZeroes(ns, r.lba, r.blocks, this, tag);
            case BlockDevice.OP_DEALLOCATE -> qp.deallocate(ns, r.lba, r.blocks, this, tag);
            default -> throw new IllegalStateException("unknown operation " + r.op);
        };
    }

    @Override
    public void onComplete(long tag, int status) {
        BlockRequest r = handOff.leave((int) tag); // before the waiter can see DONE and reuse it
        if (r.claim()) {
            finishClaimed(r, status, null);
        } else if (r.state() == BlockRequest.ABANDONED) {
            device.releaseBounce(r.bounceIndex);
        }
    }

    /** Records the outcome once (driver, closer or a caller that found the owner gone) and tells the waiter. */
    void finish(BlockRequest r, int status, RuntimeException error) {
        if (r.claim()) {
            finishClaimed(r, status, error);
        }
    }

    private void finishOrDrop(BlockRequest r) {
        if (r.state() == BlockRequest.ABANDONED) {
            device.releaseBounce(r.bounceIndex);
        } else {
            finish(r, 0, closedError());
        }
    }

    private void finishClaimed(BlockRequest r, int status, RuntimeException error) {
        if (stopping && status != 0 && error == null) { // aborted by the close, not by the device
            error = new BlockDeviceClosedException("the block device on " + device.describe() + " was closed while this "
                    + BlockDevice.OP_NAMES[r.op] + " was outstanding (" + Status.describe(status)
                    + "); treat it as not done");
        }
        if (r.future == null) {
            Thread w = r.waiter;
            r.complete(status, error);
            if (w != Thread.currentThread()) { // a caller that completes its own I/O in its round needs no wake-up
                LockSupport.unpark(w);
            }
            return;
        }
        r.complete(status, error);
        try {
            device.options().completionExecutor().execute(r); // -> completeFuture, off the I/O path
        } catch (RejectedExecutionException e) {
            r.run(); // the application's executor refused it: complete here rather than never
        }
    }

    /** Fails (or drops, when abandoned) everything pushed or waiting; the flag's holder. */
    private void failQueued() {
        handOff.takePushed();
        BlockRequest r;
        while ((r = handOff.first()) != null) {
            handOff.removeFirst();
            finishOrDrop(r);
        }
    }

    BlockDeviceClosedException closedError() {
        return new BlockDeviceClosedException("the block device on " + device.describe()
                + " was closed before this I/O completed; treat it as not done");
    }

    void stop(long deadlineNanos) {
        stopDeadline = deadlineNanos;
        stopping = true;
        LockSupport.unpark(thread);
    }

    boolean join(long deadlineNanos) {
        long left = deadlineNanos - System.nanoTime();
        try {
            return thread.join(Duration.ofNanos(Math.max(1, left)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !thread.isAlive();
        }
    }

    /**
     * After the owner did not exit in time (it fails everything itself when it does): fails every
     * waiter it still holds, reading its structures without the flag (the owner is stuck).
     */
    void failRemaining(String why) {
        if (!thread.isAlive()) {
            return;
        }
        Consumer<BlockRequest> fail = r -> {
            if (r.state() == BlockRequest.PENDING) {
                finish(r, 0, new BlockDeviceClosedException("the block device on " + device.describe() + ": " + why
                        + " while this I/O was outstanding; treat it as not done"));
            }
        };
        for (BlockRequest r = handOff.grabPushed(); r != null; ) {
            BlockRequest n = r.next;
            fail.accept(r);
            r = n;
        }
        handOff.forEach(fail);
    }
}
