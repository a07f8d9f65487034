package dev.nvme4j.mock;

import dev.nvme4j.device.InterruptVector;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One MSI-X vector of the mock function: a counter the device increments and a host thread
 * waits on, with the semantics of an eventfd (await consumes every pending signal).
 */
final class MockVector implements InterruptVector {
    private final int index;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition fired = lock.newCondition();
    private long pending;
    private boolean wake;

    MockVector(int index) {
        this.index = index;
    }

    /** Device side: signals the vector. */
    void signal() {
        lock.lock();
        try {
            pending++;
            fired.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public boolean await(long timeoutNanos) {
        lock.lock();
        try {
            long left = timeoutNanos;
            while (pending == 0 && !wake) {
                if (left <= 0) {
                    return false;
                }
                left = fired.awaitNanos(left);
            }
            wake = false;
            boolean got = pending > 0;
            pending = 0;
            return got;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long drain() {
        lock.lock();
        try {
            long n = pending;
            pending = 0;
            return n;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void wakeUp() {
        lock.lock();
        try {
            wake = true;
            fired.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "MockVector[" + index + "]";
    }
}
