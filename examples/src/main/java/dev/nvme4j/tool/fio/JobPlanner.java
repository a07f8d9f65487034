package dev.nvme4j.tool.fio;

import dev.nvme4j.api.ControllerInfo;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.Protection;
import dev.nvme4j.tool.cli.ToolException;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves a job's options against the controller and namespace: the regions of its numjobs
 * clones, their sizes and limits ({@link JobSpec}s). Stateless.
 */
final class JobPlanner {
    private JobPlanner() {
    }

    /**
     * The {@code numjobs} specs of {@code o} on {@code ns}, in reporting group {@code group},
     * numbered from {@code firstNumber} (fio's job numbers run across all jobs of a run).
     *
     * @throws ToolException naming the option when it does not fit
     */
    static List<JobSpec> plan(FioOptions o, ControllerInfo info, Namespace ns, int group, int firstNumber) {
        int lba = ns.lbaSize();
        BlockSizes sizes = o.blockSizes();
        String sizeOption = o.sizeOption();
        for (int s : sizes.all()) {
            if (s % lba != 0) {
                throw ToolException.usage("Invalid value for option '" + sizeOption + "': " + s + " is not a multiple "
                        + "of the LBA size of namespace " + ns.nsid() + " (" + lba + " bytes)");
            }
        }
        int unit = sizes.min();
        int maxBs = sizes.max();
        if (o.blockalign != null) {
            long a = o.blockalign;
            if (a <= 0 || a % lba != 0) {
                throw ToolException.usage("Invalid value for option '--blockalign': " + a + " is not a positive "
                        + "multiple of the LBA size (" + lba + " bytes)");
            }
            for (int s : sizes.all()) {
                // as fio, random offsets may be aligned above an I/O size (blockalign=4k with 512-byte I/O)
                if (s % a != 0 && !(o.rw.random() && s < a)) {
                    throw ToolException.usage("Invalid value for option '--blockalign': " + a + " does not divide "
                            + "the I/O size " + s + " (" + sizeOption + "); nvme4j needs every I/O size to be a "
                            + "multiple of it, or for a random workload smaller than it (alignments above the size "
                            + "of a sequential workload are not supported)");
                }
            }
            unit = (int) a;
        }
        if (o.seqAdd % unit != 0) {
            throw ToolException.usage("Invalid value for option '--rw': the bytes to skip in " + o.rw.spelling() + ":"
                    + o.seqAdd + " must be a multiple of the smallest I/O size (" + unit + " bytes)");
        }
        Protection protection = o.protection.protection(ns);
        o.checks.check(o.rw, ns, protection, Math.min(unit, sizes.min()));
        int maxDepth = info.maxQueueEntries() - 1;
        if (o.iodepth > maxDepth) {
            throw ToolException.usage("Invalid value for option '--iodepth': must be between 1 and " + maxDepth
                    + " for this controller (CAP.MQES + 1 = " + info.maxQueueEntries() + " entries per queue) but was "
                    + o.iodepth);
        }
        int numjobs = o.numjobs;
        // A psync run's jobs share one BlockDevice (its own few queue pairs), not a pair each.
        if (info.ioQueuePairsGranted() > 0 && numjobs > info.ioQueuePairsGranted()
                && !EngineOptions.psync(o.compat.ioengine)) {
            throw ToolException.usage("Invalid value for option '--numjobs': the controller granted "
                    + info.ioQueuePairsGranted() + " I/O queue pairs but was " + numjobs);
        }
        long nsBytes = ns.sizeBytes();
        long offset = o.offset.resolve(nsBytes, o.offset.isPercent() ? lba : 1);
        if (offset % lba != 0) {
            throw ToolException.usage("Invalid value for option '--offset': " + offset
                    + " is not a multiple of the LBA size (" + lba + " bytes)");
        }
        Long increment = o.offsetIncrement;
        if (increment != null && increment % lba != 0) {
            throw ToolException.usage("Invalid value for option '--offset_increment': " + increment
                    + " is not a multiple of the LBA size (" + lba + " bytes)");
        }
        Long size = o.size == null || o.fillDevice ? null : o.size.resolve(nsBytes, 1);
        if (offset >= nsBytes) {
            throw ToolException.usage("Invalid value for option '--offset': " + offset + " is beyond namespace "
                    + ns.nsid() + " (" + nsBytes + " bytes)");
        }
        FileSizeRange filesize = o.fillDevice ? null : o.filesize;
        // as fio: filesize sizes the file (here the region); size then only caps the bytes of I/O
        long region = filesize != null ? filesize.high() : size != null ? size : (nsBytes - offset) / numjobs;
        region -= region % unit;
        long smallest = filesize != null ? filesize.low() - filesize.low() % unit : region;
        if (filesize != null && smallest < maxBs) {
            throw ToolException.usage("Invalid value for option '--filesize': each job's region must hold at least "
                    + "one block of " + sizeOption + " (" + maxBs + " bytes) but is " + filesize.low() + " bytes");
        }
        if (region < maxBs) {
            throw ToolException.usage("Invalid value for option '--size': each job's region must hold at least one "
                    + "block of " + sizeOption + " (" + maxBs + " bytes) but is " + (size != null ? size : region)
                    + " bytes");
        }
        long step = increment != null ? increment : region;
        long needed = offset + step * (numjobs - 1) + region;
        if (needed > nsBytes || needed < 0) {
            throw ToolException.usage("Invalid value for option '--size': --offset=" + offset + " plus --numjobs="
                    + numjobs + " regions of " + region + " bytes" + (increment != null ? " every "
                    + increment + " bytes (--offset_increment)" : "") + " need " + needed
                    + " bytes but namespace " + ns.nsid() + " has " + nsBytes + " bytes (" + ns.sizeBlocks()
                    + " blocks of " + lba + ")");
        }
        long seed = o.flow.seed();
        long generation = System.currentTimeMillis();
        List<JobSpec> jobs = new ArrayList<>(numjobs);
        for (int i = 0; i < numjobs; i++) {
            long startLba = (offset + step * i) / lba;
            long own = filesize == null ? region : filesize.pick(seed + i, unit);
            // as fio, which clamps size to the file's: at most the region
            Long ioDefault = filesize != null && size != null ? Long.valueOf(Math.min(size, own)) : null;
            JobSpec.Flow flow = o.flow.flow(sizes, own, o.timeBased, ioDefault);
            jobs.add(new JobSpec(o.jobName(), i, firstNumber + i, o.rw, o.rwmixread, maxBs, maxBs / lba, o.iodepth,
                    o.runtime == null ? 0 : o.runtime.toNanos(), o.timeBased, o.rampTime.toNanos(), ns.nsid(),
                    startLba, own / unit, o.checks.enabled(), generation, seed + i * 0x9E3779B97F4A7C15L,
                    o.mode.completionMode(), group, o, flow));
        }
        return jobs;
    }
}
