package dev.nvme4j.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.function.IntSupplier;

/**
 * Operations per second of the measuring thread's own CPU time, for comparing two builds on a
 * busy machine: time the thread spends descheduled (other processes on a loaded host) does not
 * count, unlike JMH's wall-clock throughput. Not a replacement for JMH figures, a steadier A/B.
 *
 * <pre>java -cp benchmarks.jar dev.nvme4j.bench.CpuRate MockCommandBench.batch128 [seconds]
 * java -cp benchmarks.jar dev.nvme4j.bench.CpuRate DriverIoBench.randRead4k [seconds] [qd]
 * java -cp benchmarks.jar dev.nvme4j.bench.CpuRate DriverIoBench.randRead4k.process [seconds] [qd]
 * java -cp benchmarks.jar dev.nvme4j.bench.CpuRate BlockDeviceBench [seconds] [pairs] [POLL|HYBRID|INTERRUPT] [dma|direct|heap]
 *     [DETERMINISTIC|THREADED]
 * java -cp benchmarks.jar dev.nvme4j.bench.CpuRate BlockDeviceBench.steady [same arguments]</pre>
 * ({@code BlockDeviceBench.steady}: the same 128 readers, long-lived, so that starting and
 * joining threads is not counted.)
 * The {@code .process} variant and {@code BlockDeviceBench} count the CPU time of the whole
 * process (every thread: callers, carriers, owners, and also the JIT and GC), for comparing
 * work spread over many threads with work on one; {@code -Dcpurate.warmup=SECONDS} (default 3)
 * and {@code -Dcpurate.rounds=N} (default 5) lengthen them, and they print the median round too.
 */
public final class CpuRate {
    /** Warm-up and measured rounds of the whole-process measures ({@code -Dcpurate.warmup=S -Dcpurate.rounds=N}). */
    private static final double WARMUP_SECONDS = Double.parseDouble(System.getProperty("cpurate.warmup", "3"));
    private static final int PROCESS_ROUNDS = Integer.getInteger("cpurate.rounds", 5);

    private CpuRate() {
    }

    /** Runs {@code op} (returning the operations it did) for warm-up, then {@code rounds} measured rounds. */
    static void measure(String name, IntSupplier op, double seconds, int rounds) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long warmEnd = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() - warmEnd < 0) {
            for (int i = 0; i < 1000; i++) {
                op.getAsInt();
            }
        }
        double best = 0;
        double sum = 0;
        for (int r = 0; r < rounds; r++) {
            long ops = 0;
            long cpu0 = mx.getCurrentThreadCpuTime();
            long wall0 = System.nanoTime();
            long cpuBudget = (long) (seconds * 1e9);
            while (mx.getCurrentThreadCpuTime() - cpu0 < cpuBudget) {
                for (int i = 0; i < 1000; i++) {
                    ops += op.getAsInt();
                }
            }
            long cpu = mx.getCurrentThreadCpuTime() - cpu0;
            long wall = System.nanoTime() - wall0;
            double rate = ops * 1e9 / cpu;
            best = Math.max(best, rate);
            sum += rate;
            System.out.printf("%s round %d: %.3f M ops per CPU-second (%.0f%% of wall time on CPU)%n",
                    name, r, rate / 1e6, 100.0 * cpu / wall);
        }
        System.out.printf("%s: mean %.3f M, best %.3f M ops per CPU-second%n", name, sum / rounds / 1e6, best / 1e6);
    }

    /** As {@link #measure}, counting the CPU time of the whole process. */
    static void measureProcess(String name, IntSupplier op, double seconds, int rounds) {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long warmEnd = System.nanoTime() + (long) (WARMUP_SECONDS * 1e9);
        while (System.nanoTime() - warmEnd < 0) {
            op.getAsInt();
        }
        double best = 0;
        double sum = 0;
        double[] rates = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long ops = 0;
            long cpu0 = os.getProcessCpuTime();
            long wall0 = System.nanoTime();
            long cpuBudget = (long) (seconds * 1e9);
            while (os.getProcessCpuTime() - cpu0 < cpuBudget) {
                ops += op.getAsInt();
            }
            long cpu = os.getProcessCpuTime() - cpu0;
            long wall = System.nanoTime() - wall0;
            double rate = ops * 1e9 / cpu;
            rates[r] = rate;
            best = Math.max(best, rate);
            sum += rate;
            System.out.printf("%s round %d: %.3f M ops per process CPU-second (%.2f CPUs busy; %.3f M ops/s wall)%n",
                    name, r, rate / 1e6, (double) cpu / wall, ops * 1e3 / wall);
        }
        java.util.Arrays.sort(rates);
        System.out.printf("%s: mean %.3f M, median %.3f M, best %.3f M ops per process CPU-second%n", name,
                sum / rounds / 1e6, rates[rounds / 2] / 1e6, best / 1e6);
    }

    public static void main(String[] args) {
        String which = args.length > 0 ? args[0] : "MockCommandBench.batch128";
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 2;
        switch (which) {
            case "MockCommandBench.qd1", "MockCommandBench.batch32", "MockCommandBench.batch128" -> {
                MockCommandBench b = new MockCommandBench();
                b.setUp();
                try {
                    IntSupplier op = switch (which) {
                        case "MockCommandBench.qd1" -> b::qd1;
                        case "MockCommandBench.batch32" -> b::batch32;
                        default -> b::batch128;
                    };
                    measure(which, op, seconds, 5);
                } finally {
                    b.tearDown();
                }
            }
            case "DriverIoBench.randRead4k" -> {
                int qd = args.length > 2 ? Integer.parseInt(args[2]) : 128;
                DriverIoBench.Device d = new DriverIoBench.Device();
                d.store = args.length > 3 ? args[3] : "null";
                d.open();
                DriverIoBench.Job j = new DriverIoBench.Job();
                j.qd = qd;
                j.start(d);
                DriverIoBench bench = new DriverIoBench();
                try {
                    measure(which + " qd=" + qd, () -> {
                        bench.randRead4k(j);
                        return DriverIoBench.IOS_PER_INVOCATION;
                    }, seconds, 5);
                } finally {
                    j.stop();
                    d.close();
                }
            }
            case "DriverIoBench.randRead4k.process" -> {
                int qd = args.length > 2 ? Integer.parseInt(args[2]) : 128;
                DriverIoBench.Device d = new DriverIoBench.Device();
                d.store = "null";
                d.open();
                DriverIoBench.Job j = new DriverIoBench.Job();
                j.qd = qd;
                j.start(d);
                DriverIoBench bench = new DriverIoBench();
                try {
                    measureProcess(which + " qd=" + qd, () -> {
                        int n = 0;
                        for (int i = 0; i < 1000; i++) {
                            bench.randRead4k(j);
                            n += DriverIoBench.IOS_PER_INVOCATION;
                        }
                        return n;
                    }, seconds, PROCESS_ROUNDS);
                } finally {
                    j.stop();
                    d.close();
                }
            }
            case "BlockDeviceBench.steady" -> {
                BlockDeviceBench b = blockDeviceBench(args);
                try {
                    BlockDeviceBench.Steady steady = b.startSteady();
                    long[] last = {0};
                    measureProcess(which + " pairs=" + b.pairs + " " + b.mode + " " + b.mem + " " + b.exec, () -> {
                        try {
                            Thread.sleep(20);
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                        long n = steady.completed();
                        int d = (int) (n - last[0]);
                        last[0] = n;
                        return d;
                    }, seconds, PROCESS_ROUNDS);
                    steady.stop();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                } finally {
                    b.close();
                }
            }
            case "BlockDeviceBench" -> {
                BlockDeviceBench b = blockDeviceBench(args);
                try {
                    measureProcess(which + " pairs=" + b.pairs + " " + b.mode + " " + b.mem + " " + b.exec, () -> {
                        try {
                            b.blockingReadsFrom128VirtualThreads();
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                        return BlockDeviceBench.THREADS * BlockDeviceBench.READS_EACH;
                    }, seconds, PROCESS_ROUNDS);
                } finally {
                    b.close();
                }
            }
            default -> throw new IllegalArgumentException("unknown benchmark " + which);
        }
    }

    /** An open {@link BlockDeviceBench} from the arguments after the seconds: pairs, mode, mem, exec. */
    private static BlockDeviceBench blockDeviceBench(String[] args) {
        BlockDeviceBench b = new BlockDeviceBench();
        b.store = "null";
        b.pairs = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        b.mode = dev.nvme4j.api.CompletionMode.valueOf(args.length > 3 ? args[3] : "POLL");
        b.mem = args.length > 4 ? args[4] : "dma";
        b.exec = dev.nvme4j.mock.config.ExecutionMode.valueOf(args.length > 5 ? args[5] : "DETERMINISTIC");
        b.open();
        return b;
    }
}
