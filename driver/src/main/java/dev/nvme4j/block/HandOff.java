package dev.nvme4j.block;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * The requests of one queue pair between their callers and the device: a lock-free stack that
 * any number of callers push onto (one compare-and-set each, never waiting for anyone), the
 * waiting line the driver moves them to in arrival order, and the table of those submitted to
 * the pair, indexed by the tag the pair hands back with each completion. Everything but
 * {@link #push} belongs to the thread holding the pair's drive flag. Allocates nothing.
 */
final class HandOff {
    private static final VarHandle TOP;

    static {
        try {
            TOP = MethodHandles.lookup().findVarHandle(HandOff.class, "top", BlockRequest.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // through TOP
    private volatile BlockRequest top;
    private BlockRequest head;
    private BlockRequest tail;
    private final BlockRequest[] inFlight;
    private final int[] freeTags;
    private int freeCount;

    HandOff(int slots) {
        inFlight = new BlockRequest[slots];
        freeTags = new int[slots];
        for (int i = 0; i < slots; i++) {
            freeTags[i] = slots - 1 - i;
        }
        freeCount = slots;
    }

    /** Any thread: hands {@code r} over; returns the request it went on top of (null: the stack was empty). */
    BlockRequest push(BlockRequest r) {
        BlockRequest t;
        do {
            t = top;
            r.next = t;
        } while (!TOP.compareAndSet(this, t, r));
        return t;
    }

    /** Any thread: whether callers pushed something the driver has not taken yet. */
    boolean pushed() {
        return top != null;
    }

    /** Moves what callers pushed to the end of the waiting line, oldest first. */
    void takePushed() {
        BlockRequest r = (BlockRequest) TOP.getAndSet(this, null);
        if (r == null) {
            return;
        }
        BlockRequest last = r;
        BlockRequest reversed = null;
        while (r != null) {
            BlockRequest n = r.next;
            r.next = reversed;
            reversed = r;
            r = n;
        }
        if (tail == null) {
            head = reversed;
        } else {
            tail.next = reversed;
        }
        tail = last;
    }

    /** The oldest waiting request, or null. */
    BlockRequest first() {
        return head;
    }

    /** Removes the oldest waiting request. */
    void removeFirst() {
        BlockRequest r = head;
        head = r.next;
        if (head == null) {
            tail = null;
        }
        r.next = null;
    }

    boolean waiting() {
        return head != null;
    }

    /** Puts {@code r} in the in-flight table; its tag, or -1 when the table is full. */
    int enter(BlockRequest r) {
        if (freeCount == 0) {
            return -1;
        }
        int tag = freeTags[--freeCount];
        inFlight[tag] = r;
        r.tag = tag;
        return tag;
    }

    /** Takes the request with {@code tag} out of the in-flight table. */
    BlockRequest leave(int tag) {
        BlockRequest r = inFlight[tag];
        inFlight[tag] = null;
        freeTags[freeCount++] = tag;
        r.tag = -1;
        return r;
    }

    /** The tag of some request in flight, or -1 when none is. */
    int anyInFlight() {
        for (int i = 0; i < inFlight.length; i++) {
            if (inFlight[i] != null) {
                return i;
            }
        }
        return -1;
    }

    /** For a close whose owner did not exit: takes what callers pushed, bypassing the driver. */
    BlockRequest grabPushed() {
        return (BlockRequest) TOP.getAndSet(this, null);
    }

    /** Every request the driver holds: waiting, then in flight. */
    void forEach(Consumer<BlockRequest> action) {
        for (BlockRequest r = head; r != null; r = r.next) {
            action.accept(r);
        }
        for (BlockRequest r : inFlight) {
            if (r != null) {
                action.accept(r);
            }
        }
    }
}
