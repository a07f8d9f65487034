package dev.nvme4j.mock;

import java.util.concurrent.locks.LockSupport;

/**
 * The device of threaded mode: parks until a doorbell or timer wakes it, then fetches and
 * executes commands and posts due completions under the device lock. Park/unpark keeps a permit,
 * so a doorbell rung while the thread is busy is never lost.
 */
final class DeviceThread extends Thread {
    private static final long MAX_PARK_NANOS = 1_000_000L;
    private final MockNvmeController c;
    private volatile boolean running = true;

    DeviceThread(MockNvmeController c) {
        super("nvme4j-mock-" + c.config.serialNumber());
        setDaemon(true);
        this.c = c;
    }

    void wake() {
        LockSupport.unpark(this);
    }

    void shutdown() {
        running = false;
        LockSupport.unpark(this);
        try {
            join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        while (running) {
            long next;
            c.lockAll();
            try {
                if (c.isRemoved()) {
                    next = Long.MAX_VALUE;
                } else {
                    c.tick();
                    c.engine.runUntilIdle();
                    next = c.tick();
                }
            } finally {
                c.unlockAll();
            }
            long wait = next == Long.MAX_VALUE ? MAX_PARK_NANOS : Math.min(MAX_PARK_NANOS, next - c.now());
            if (wait > 0) {
                LockSupport.parkNanos(this, wait);
            }
        }
    }
}
