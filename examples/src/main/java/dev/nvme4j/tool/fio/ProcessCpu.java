package dev.nvme4j.tool.fio;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The whole process's user and system CPU time so far, for engines whose jobs have no CPU clock
 * of their own (a virtual thread runs on whichever carrier is free, and its I/O is partly done
 * by other threads). On Linux from {@code /proc/self/stat} (utime, stime; clock ticks of 10 ms),
 * elsewhere the total from the platform's MXBean, counted as user time. Any thread; stateless.
 */
final class ProcessCpu {
    private static final Path STAT = Path.of("/proc/self/stat");
    private static final long NS_PER_TICK = 10_000_000; // USER_HZ is 100 on every Linux ABI

    private ProcessCpu() {
    }

    /** {user, system} CPU nanoseconds the process used so far. */
    static long[] now() {
        try {
            String s = Files.readString(STAT);
            // pid (comm) state ppid ...: comm may hold spaces and parentheses, so count after the last ')'
            String[] f = s.substring(s.lastIndexOf(')') + 2).trim().split(" +");
            return new long[] {Long.parseLong(f[11]) * NS_PER_TICK, Long.parseLong(f[12]) * NS_PER_TICK};
        } catch (IOException | RuntimeException e) {
            return new long[] {total(), 0};
        }
    }

    private static long total() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? Math.max(0, os.getProcessCpuTime()) : 0;
    }
}
