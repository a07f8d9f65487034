package dev.nvme4j.queue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Who is inside a queue pair right now: nobody, its owner thread (submitting or polling), or
 * the controller's own machinery (watchdog, reset, close), which only ever holds the gate for
 * short, non-blocking work. One CAS on entry, one release store on exit, no waiting on the
 * owner's path except behind that short system work.
 *
 * <p>This is what makes the single-owner thread model safe to combine with recovery: system
 * work and owner work never interleave on the queue's state, and every hand-over is a
 * CAS/release pair (happens-before). A second application thread entering while the owner is
 * inside is a usage error and fails with {@link IllegalStateException}.
 */
public final class OwnerGate {
    private static final int FREE = 0;
    private static final int OWNER = 1;
    private static final int SYSTEM = 2;
    private static final VarHandle STATE;
    private static final VarHandle HOLDER;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(OwnerGate.class, "state", int.class);
            HOLDER = MethodHandles.lookup().findVarHandle(OwnerGate.class, "holder", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;
    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;
    /**
     * The thread inside, written by it after winning the CAS and cleared by it before the release
     * of {@link #state}; read by others only for messages. Opaque, not volatile: a thread always
     * reads its own latest write (coherence), and nobody else writes it while that thread is
     * inside, so the holder's "is it me" test needs no fence; a volatile store here would cost a
     * full fence on every enter and every exit.
     */
    @SuppressWarnings("unused") // accessed through HOLDER
    private Thread holder;
    /** Re-entries by the holder (a callback submitting from inside poll); holder-only. */
    private int depth;

    public OwnerGate(String name) {
        this.name = name;
    }

    /** Enters as the application's owner thread; re-entrant for the holder. */
    public void enter() {
        Thread me = Thread.currentThread();
        if (holder() == me) {
            depth++;
            return;
        }
        for (int spins = 0; ; spins++) {
            if (STATE.compareAndSet(this, FREE, OWNER)) {
                HOLDER.setOpaque(this, me);
                depth = 1;
                return;
            }
            int s = (int) STATE.getVolatile(this);
            if (s == SYSTEM) {
                // System work is short, except a controller reset (up to CAP.TO): stop burning the core.
                if (spins < 1000) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            } else if (s == OWNER) {
                Thread other = holder();
                throw new IllegalStateException(name + " is used from thread '" + me.getName() + "' while thread '"
                        + (other == null ? "?" : other.getName()) + "' is using it: a queue pair has one owner thread"
                        + " at a time (hand it over with a happens-before edge)");
            }
        }
    }

    /** Leaves; the last exit of the holder frees the gate (release). */
    public void exit() {
        if (--depth == 0) {
            HOLDER.setOpaque(this, (Thread) null);
            STATE.setRelease(this, FREE);
        }
    }

    /** Enters for system work if nobody is inside; never waits. */
    public boolean trySystem() {
        if (STATE.compareAndSet(this, FREE, SYSTEM)) {
            HOLDER.setOpaque(this, Thread.currentThread());
            depth = 1;
            return true;
        }
        return holder() == Thread.currentThread() && enterNested();
    }

    private boolean enterNested() {
        depth++;
        return true;
    }

    /**
     * Enters for system work, waiting (bounded) for the owner to leave. Returns false if the
     * owner stayed inside past the deadline.
     */
    public boolean system(long deadlineNanos) {
        while (!trySystem()) {
            if (System.nanoTime() - deadlineNanos > 0) {
                return false;
            }
            Thread.yield();
        }
        return true;
    }

    /** True when the calling thread is inside. */
    public boolean heldByCurrentThread() {
        return holder() == Thread.currentThread();
    }

    private Thread holder() {
        return (Thread) HOLDER.getOpaque(this);
    }
}
