package dev.nvme4j.bench;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoCallback;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.Nvme;
import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.mock.config.MockController;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A small fio-like load generator for the performance comparison: 4 KiB (or {@code --bs})
 * random reads in a closed loop at a fixed queue depth, one queue pair per job thread, on a PCI
 * function (through VFIO) or on the null mock. Prints one line per run:
 * {@code iops=... jobs=... qd=... mode=... device=...}. Used by tools/compare-kernel when the
 * fio-like tool is not available, and for quick figures on the mock.
 *
 * <pre>java -cp benchmarks.jar dev.nvme4j.bench.RandRead --device=0000:00:04.0 --iodepth=32 --mode=poll --runtime=10</pre>
 */
public final class RandRead {
    private RandRead() {
    }

    static final class Job implements IoCallback, Runnable {
        final IoQueuePair qp;
        final Namespace ns;
        final DmaBuffer region;
        final DmaBuffer[] buffers;
        final int qd;
        final int blocks;
        final long slots;
        final long endNanos;
        final long rampEndNanos;
        long seed;
        long completed;
        long completedAtRampEnd = -1;
        long rampEndCpu;
        long rampEndAlloc;
        long allocBytes;
        long errors;
        boolean stopping;
        long cpuNanos;

        Job(Controller ctrl, Namespace ns, int qd, int bs, CompletionMode mode, long rampEndNanos, long endNanos, int index) {
            this.ns = ns;
            this.qd = qd;
            this.blocks = bs / ns.lbaSize();
            this.slots = ns.sizeBlocks() / blocks;
            this.qp = ctrl.createQueuePair(Math.max(16, Integer.highestOneBit(qd) * 4), mode);
            this.region = ctrl.allocateBuffer((long) qd * bs);
            this.buffers = new DmaBuffer[qd];
            for (int i = 0; i < qd; i++) {
                buffers[i] = region.slice((long) i * bs, bs);
            }
            this.rampEndNanos = rampEndNanos;
            this.endNanos = endNanos;
            this.seed = 0x9E3779B97F4A7C15L * (index + 1);
        }

        void submit(int slot) {
            long x = seed;
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            seed = x;
            long lba = Long.remainderUnsigned(x, slots) * blocks;
            if (!qp.read(ns, lba, blocks, buffers[slot], this, slot)) {
                throw new IllegalStateException("queue full at QD " + qd);
            }
        }

        @Override
        public void onComplete(long tag, int status) {
            if (status != 0) {
                errors++;
            }
            completed++;
            if (!stopping) {
                submit((int) tag);
            }
        }

        @Override
        public void run() {
            var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long tid = Thread.currentThread().threadId();
            for (int i = 0; i < qd; i++) {
                submit(i);
            }
            qp.flushSubmissions();
            Duration slice = Duration.ofMillis(100);
            while (true) {
                long now = System.nanoTime();
                if (completedAtRampEnd < 0 && now - rampEndNanos >= 0) {
                    completedAtRampEnd = completed;
                    rampEndCpu = mx.getCurrentThreadCpuTime();
                    rampEndAlloc = mx.getThreadAllocatedBytes(tid);
                }
                if (now - endNanos >= 0) {
                    break;
                }
                qp.process(slice);
            }
            cpuNanos = mx.getCurrentThreadCpuTime() - rampEndCpu;
            allocBytes = mx.getThreadAllocatedBytes(tid) - rampEndAlloc;
            long measured = completed - completedAtRampEnd;
            stopping = true;
            qp.drain(Duration.ofSeconds(30));
            completed = measured;
            qp.close();
            region.close();
        }
    }

    public static void main(String[] args) throws Exception {
        String device = "mock";
        int qd = 1;
        int jobs = 1;
        int bs = 4096;
        double runtime = 10;
        double ramp = 2;
        String modeName = "poll";
        int nsid = 1;
        for (String a : args) {
            String v = a.substring(a.indexOf('=') + 1);
            if (a.startsWith("--device=")) {
                device = v;
            } else if (a.startsWith("--iodepth=")) {
                qd = Integer.parseInt(v);
            } else if (a.startsWith("--numjobs=")) {
                jobs = Integer.parseInt(v);
            } else if (a.startsWith("--bs=")) {
                bs = Integer.parseInt(v);
            } else if (a.startsWith("--runtime=")) {
                runtime = Double.parseDouble(v);
            } else if (a.startsWith("--ramp_time=")) {
                ramp = Double.parseDouble(v);
            } else if (a.startsWith("--mode=")) {
                modeName = v;
            } else if (a.startsWith("--ns=")) {
                nsid = Integer.parseInt(v);
            } else {
                throw new IllegalArgumentException("unknown option " + a + " (--device= --iodepth= --numjobs= --bs= "
                        + "--runtime= --ramp_time= --mode=poll|irq|hybrid --ns=)");
            }
        }
        CompletionMode mode = switch (modeName) {
            case "poll" -> CompletionMode.POLL;
            case "irq", "interrupt" -> CompletionMode.INTERRUPT;
            case "hybrid" -> CompletionMode.HYBRID;
            default -> throw new IllegalArgumentException("--mode=poll|irq|hybrid");
        };
        MockController mock = null;
        Controller ctrl;
        if (device.equals("mock")) {
            mock = Nvme.createMock(RawHost.nullConfig(ExecutionMode.DETERMINISTIC));
            ctrl = Nvme.open(mock);
        } else {
            ctrl = Nvme.open(device, ControllerOptions.defaults());
        }
        try {
            Namespace ns = ctrl.namespace(nsid);
            long start = System.nanoTime();
            long rampEnd = start + (long) (ramp * 1e9);
            long end = rampEnd + (long) (runtime * 1e9);
            List<Job> js = new ArrayList<>();
            for (int i = 0; i < jobs; i++) {
                js.add(new Job(ctrl, ns, qd, bs, mode, rampEnd, end, i));
            }
            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < jobs; i++) {
                Thread t = new Thread(js.get(i), "job-" + i);
                ts.add(t);
                t.start();
            }
            for (Thread t : ts) {
                t.join();
            }
            long total = 0;
            long errors = 0;
            long cpu = 0;
            long alloc = 0;
            for (Job j : js) {
                total += j.completed;
                errors += j.errors;
                cpu += j.cpuNanos;
                alloc += j.allocBytes;
            }
            // cpu_bound_iops: I/Os per second if every job thread had a core of its own (its own CPU time, not disturbed by
            // other processes on a busy machine); alloc_bytes: allocated by the job threads while measured.
            System.out.printf("iops=%.0f jobs=%d qd=%d bs=%d mode=%s device=%s cpu_per_io_ns=%.0f cpu_bound_iops=%.0f"
                            + " alloc_bytes=%d errors=%d%n",
                    total / runtime, jobs, qd, bs, modeName, device, total == 0 ? 0.0 : (double) cpu / total,
                    cpu == 0 ? 0.0 : total * 1e9 / cpu * jobs, alloc, errors);
            if (errors != 0) {
                System.exit(1);
            }
        } finally {
            ctrl.close();
            if (mock != null) {
                mock.close();
            }
        }
    }
}
