package dev.nvme4j.tool.fio;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Measures the calling thread's user and system CPU time and heap allocation over one or more
 * intervals ({@link #start()} .. {@link #stop()}), through {@link ThreadMXBean}. Owned by one
 * thread; allocation-free.
 */
public final class ThreadMeter {
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private long cpuStart;
    private long usrStart;
    private long allocStart;
    private long cpuNs;
    private long usrNs;
    private long allocatedBytes;

    /** Starts an interval. */
    public void start() {
        cpuStart = threads.getCurrentThreadCpuTime();
        usrStart = threads.getCurrentThreadUserTime();
        allocStart = allocated();
    }

    /** Ends the interval and adds it to the totals. */
    public void stop() {
        cpuNs += Math.max(0, threads.getCurrentThreadCpuTime() - cpuStart);
        usrNs += Math.max(0, threads.getCurrentThreadUserTime() - usrStart);
        allocatedBytes += Math.max(0, allocated() - allocStart);
    }

    private long allocated() {
        return threads instanceof com.sun.management.ThreadMXBean t ? t.getCurrentThreadAllocatedBytes() : 0;
    }

    /** User CPU time over the intervals. */
    public long usrNs() {
        return usrNs;
    }

    /** System CPU time over the intervals. */
    public long sysNs() {
        return Math.max(0, cpuNs - usrNs);
    }

    /** Heap bytes allocated over the intervals. */
    public long allocatedBytes() {
        return allocatedBytes;
    }
}
