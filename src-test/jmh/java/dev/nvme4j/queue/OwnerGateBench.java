package dev.nvme4j.queue;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The owner gate's cost per call, on its own: one {@code enter()}/{@code exit()} pair as the
 * owner thread does it on every submit and poll (uncontended), a re-entry (a callback submitting
 * from inside poll), and the same work without the gate as the baseline. Average time per
 * operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1)
public class OwnerGateBench {
    private final OwnerGate gate = new OwnerGate("bench");
    private long counter;

    /** The work inside the gate alone: one counter increment. */
    @Benchmark
    public long baseline() {
        return ++counter;
    }

    /** One uncontended enter/exit pair around the same work. */
    @Benchmark
    public long enterExit() {
        gate.enter();
        try {
            return ++counter;
        } finally {
            gate.exit();
        }
    }

    /** An enter/exit pair nested inside another (the re-entrant path). */
    @Benchmark
    public long reentered() {
        gate.enter();
        try {
            gate.enter();
            try {
                return ++counter;
            } finally {
                gate.exit();
            }
        } finally {
            gate.exit();
        }
    }
}
