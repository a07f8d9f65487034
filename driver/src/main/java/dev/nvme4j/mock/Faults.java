package dev.nvme4j.mock;

import dev.nvme4j.spec.PiTuple;
import dev.nvme4j.mock.config.FaultHandle;
import dev.nvme4j.mock.config.FaultInjector;
import dev.nvme4j.mock.config.FaultMatch;
import java.time.Duration;
import java.util.Objects;

/**
 * The fault injector. Rules are kept per kind in copy-on-write arrays so the device checks an
 * empty array (no allocation, no lock) when no fault of a kind is installed.
 */
final class Faults implements FaultInjector {
    private static final FaultRule[] NONE = new FaultRule[0];

    volatile FaultRule[] dropInterrupts = NONE;
    /** Late MSI-X: param = the delay in nanoseconds. */
    volatile FaultRule[] delayInterrupts = NONE;
    volatile FaultRule[] ignoreSqDoorbell = NONE;
    volatile FaultRule[] hang = NONE;
    volatile FaultRule[] delay = NONE;
    volatile FaultRule[] duplicate = NONE;
    volatile FaultRule[] status = NONE;
    volatile FaultRule[] corruptAt = NONE;
    volatile FaultRule[] refuseFeature = NONE;
    volatile FaultRule[] corrupt = NONE;
    /** Media corruption: param = LBA, param2 = NSID; {@link #PI_FLAG} in param2 corrupts the PI instead of the data. */
    volatile FaultRule[] corruptMedia = NONE;
    private static final long PI_FLAG = 1L << 32;
    volatile boolean dropWhenCqFull;
    /** Any command-level rule installed (hang, delay, status): the fast path skips all checks when false. */
    volatile boolean commandFaults;

    private final MockNvmeController ctrl;

    Faults(MockNvmeController ctrl) {
        this.ctrl = ctrl;
    }

    private static FaultRule[] plus(FaultRule[] rules, FaultRule r) {
        FaultRule[] n = java.util.Arrays.copyOf(rules, rules.length + 1);
        n[rules.length] = r;
        return n;
    }

    /** The first rule of {@code rules} that fires for the event, or null. */
    static FaultRule firing(FaultRule[] rules, int queue, int opcode) {
        for (FaultRule r : rules) {
            if (r.fires(queue, opcode)) {
                return r;
            }
        }
        return null;
    }

    @Override
    public synchronized FaultHandle dropInterrupts(FaultMatch match) {
        FaultRule r = new FaultRule(Objects.requireNonNull(match), 0, 0);
        dropInterrupts = plus(dropInterrupts, r);
        return r;
    }

    @Override
    public synchronized FaultHandle delayInterrupts(FaultMatch match, Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("an interrupt delay cannot be negative: " + d);
        }
        FaultRule r = new FaultRule(Objects.requireNonNull(match), d.toNanos(), 0);
        delayInterrupts = plus(delayInterrupts, r);
        return r;
    }

    @Override
    public synchronized FaultHandle ignoreSqDoorbell(FaultMatch match) {
        FaultRule r = new FaultRule(Objects.requireNonNull(match), 0, 0);
        ignoreSqDoorbell = plus(ignoreSqDoorbell, r);
        return r;
    }

    @Override
    public synchronized FaultHandle hangCommands(FaultMatch match, boolean abortAlsoHangs) {
        FaultRule r = new FaultRule(Objects.requireNonNull(match), 0, abortAlsoHangs ? 1 : 0);
        hang = plus(hang, r);
        commandFaults = true;
        return r;
    }

    @Override
    public synchronized FaultHandle delayCompletions(FaultMatch match, Duration d) {
        FaultRule r = new FaultRule(Objects.requireNonNull(match), d.toNanos(), 0);
        delay = plus(delay, r);
        commandFaults = true;
        return r;
    }

    @Override
    public synchronized FaultHandle duplicateCompletions(FaultMatch match, Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative: " + d);
        }
        FaultRule r = new FaultRule(Objects.requireNonNull(match), d.toNanos(), 0);
        duplicate = plus(duplicate, r);
        commandFaults = true;
        return r;
    }

    @Override
    public synchronized FaultHandle completeWithStatus(FaultMatch match, int st) {
        if (st <= 0 || st > 0x7FFF) {
            throw new IllegalArgumentException("status must be a non-zero 15-bit status field: " + st);
        }
        FaultRule r = new FaultRule(Objects.requireNonNull(match), st, 0);
        status = plus(status, r);
        commandFaults = true;
        return r;
    }

    @Override
    public synchronized FaultHandle refuseFeature(int featureId, int st) {
        if (featureId < 0 || featureId > 0xFF) {
            throw new IllegalArgumentException("feature identifier must be 0..255: " + featureId);
        }
        if (st <= 0 || st > 0x7FFF) {
            throw new IllegalArgumentException("status must be a non-zero 15-bit status field: " + st);
        }
        FaultRule r = new FaultRule(FaultMatch.any(), st, featureId);
        refuseFeature = plus(refuseFeature, r);
        return r;
    }

    /** The status a refusal rule gives Set Features of {@code fid}, or 0. */
    int refusal(int fid) {
        for (FaultRule r : refuseFeature) {
            if (r.param2 == fid && r.firesAlways()) {
                return (int) r.param;
            }
        }
        return 0;
    }

    @Override
    public synchronized FaultHandle corruptReadAt(int nsid, long lba) {
        FaultRule r = new FaultRule(FaultMatch.any(), lba, nsid);
        corruptAt = plus(corruptAt, r);
        return r;
    }

    @Override
    public synchronized FaultHandle corruptMediaAt(int nsid, long lba, boolean protectionInformation) {
        FaultRule r = new FaultRule(FaultMatch.any(), lba, (nsid & 0xFFFF_FFFFL) | (protectionInformation ? PI_FLAG : 0));
        corruptMedia = plus(corruptMedia, r);
        return r;
    }

    /**
     * Applies the media corruption rules to blocks {@code slba..slba+nlb-1} of {@code ns} as read from
     * the media into {@code data} and {@code meta} (before any PI check): the first data byte of the
     * block, or the first byte of its guard.
     */
    void corruptMedia(MockNamespace ns, long slba, long nlb, java.lang.foreign.MemorySegment data,
                      java.lang.foreign.MemorySegment meta) {
        for (FaultRule r : corruptMedia) {
            if ((int) r.param2 == ns.nsid && r.param >= slba && r.param < slba + nlb && r.firesAlways()) {
                boolean pi = (r.param2 & PI_FLAG) != 0 && ns.metadataSize >= PiTuple.SIZE;
                long i = r.param - slba;
                long off = pi ? i * ns.metadataSize + (ns.piFirst ? 0 : ns.metadataSize - 8) : i << ns.lbaShift;
                java.lang.foreign.MemorySegment s = pi ? meta : data;
                s.set(java.lang.foreign.ValueLayout.JAVA_BYTE, off,
                        (byte) ~s.get(java.lang.foreign.ValueLayout.JAVA_BYTE, off));
            }
        }
    }

    @Override
    public synchronized FaultHandle corruptReads(FaultMatch match) {
        FaultRule r = new FaultRule(Objects.requireNonNull(match), 0, 0);
        corrupt = plus(corrupt, r);
        return r;
    }

    @Override
    public void setControllerFatalStatus() {
        ctrl.lockAll();
        try {
            ctrl.regs.cfs = true;
        } finally {
            ctrl.unlockAll();
        }
    }

    @Override
    public void surpriseRemoval() {
        ctrl.removal.remove();
    }

    @Override
    public void requestRemoval() {
        ctrl.removal.request();
    }

    @Override
    public void raiseErrorInterrupt() {
        ctrl.deviceEvents.signalError();
    }

    @Override
    public void slowEnable(Duration d) {
        ctrl.regs().enableDelayNanos = d.toNanos();
    }

    @Override
    public void slowDisable(Duration d) {
        ctrl.regs().disableDelayNanos = d.toNanos();
    }

    @Override
    public void slowShutdown(Duration d) {
        ctrl.regs().shutdownDelayNanos = d.toNanos();
    }

    @Override
    public void dropCompletionsWhenCqFull(boolean enabled) {
        dropWhenCqFull = enabled;
    }

    @Override
    public synchronized void clear() {
        dropInterrupts = NONE;
        delayInterrupts = NONE;
        ignoreSqDoorbell = NONE;
        hang = NONE;
        delay = NONE;
        duplicate = NONE;
        status = NONE;
        corruptAt = NONE;
        corrupt = NONE;
        corruptMedia = NONE;
        refuseFeature = NONE;
        dropWhenCqFull = false;
        commandFaults = false;
    }
}
