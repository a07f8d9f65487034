package dev.nvme4j.mock;

import dev.nvme4j.spec.IoFields;
import dev.nvme4j.spec.Le;
import static dev.nvme4j.spec.Opcodes.*;

import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.spec.IdentifyLayout;
import dev.nvme4j.spec.PiTuple;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * NVM command set I/O commands (NVM Command Set 1.0, section 3): Read, Write, Flush, Write Zeroes,
 * Dataset Management. The fast path (Read/Write on the null or RAM store) allocates nothing. A
 * store that fails (a file on a full disk) fails the command with a media or internal error status.
 */
final class IoCommands {
    private static final ValueLayout.OfInt LE_INT = Le.INT;
    private static final ValueLayout.OfLong LE_LONG = Le.LONG;

    private final MockNvmeController c;
    private final Engine e;
    private final MetadataCommands metadata;

    IoCommands(MockNvmeController c, Engine e) {
        this.c = c;
        this.e = e;
        this.metadata = new MetadataCommands(c, e);
    }

    int execute() {
        try {
            return dispatch();
        } catch (UncheckedIOException storeFailure) {
            // The file behind a namespace failed (a full disk, an I/O error): the command ends with the
            // status a drive reports for failing media, and the device goes on with the next one.
            return storeFailureStatus(e.opcode);
        }
    }

    /** The status of a command whose store access failed: by direction, as a drive reports media failures. */
    static int storeFailureStatus(int opcode) {
        return switch (opcode) {
            case NVM_READ -> NvmeStatus.UNRECOVERED_READ_ERROR.code(true);
            case NVM_WRITE, NVM_WRITE_ZEROES, NVM_DATASET_MANAGEMENT -> NvmeStatus.WRITE_FAULT.code(true);
            default -> NvmeStatus.INTERNAL_ERROR.code(true);
        };
    }

    private int dispatch() {
        if (e.opcode == NVM_FLUSH && e.nsid == NSID_BROADCAST) {
            c.namespaces.forEach(ns -> ns.store.flush());
            return 0;
        }
        MockNamespace ns = namespace(e.nsid);
        if (ns == null) {
            return knownOpcode(e.opcode) ? NvmeStatus.INVALID_NAMESPACE_OR_FORMAT.code(true)
                    : NvmeStatus.INVALID_COMMAND_OPCODE.code(true);
        }
        return switch (e.opcode) {
            case NVM_READ -> read(ns);
            case NVM_WRITE -> write(ns);
            case NVM_FLUSH -> {
                ns.store.flush();
                yield 0;
            }
            case NVM_WRITE_ZEROES -> writeZeroes(ns);
            case NVM_DATASET_MANAGEMENT -> datasetManagement(ns);
            default -> NvmeStatus.INVALID_COMMAND_OPCODE.code(true);
        };
    }

    private static boolean knownOpcode(int op) {
        return op == NVM_READ || op == NVM_WRITE || op == NVM_FLUSH || op == NVM_WRITE_ZEROES || op == NVM_DATASET_MANAGEMENT;
    }

    private MockNamespace namespace(int nsid) {
        return c.namespaces.get(nsid);
    }

    private long slba() {
        return IoFields.slba(e.cdw10, e.cdw11);
    }

    /** Checks range and MDTS and maps the PRPs of a Read/Write; returns 0 or a status. */
    private int prepare(MockNamespace ns, long slba, long nlb) {
        if (!ns.inRange(slba, nlb)) {
            return NvmeStatus.LBA_OUT_OF_RANGE.code(true);
        }
        long bytes = nlb << ns.lbaShift;
        if (bytes > e.admin.maxTransfer()) {
            return NvmeStatus.INVALID_FIELD_IN_COMMAND.code(true);
        }
        return e.prp.map(e.prp1, e.prp2, bytes, c.regs.pageSize);
    }

    private int read(MockNamespace ns) {
        long slba = slba();
        long nlb = IoFields.blocks(e.cdw12);
        int st = ns.metadataSize == 0 ? prepare(ns, slba, nlb) : metadata.read(ns, slba, nlb);
        if (st != 0) {
            return st;
        }
        if (ns.metadataSize == 0) {
            transfer(ns, slba, nlb, true);
        }
        e.counters.hostReads++;
        e.counters.dataUnitsRead += (nlb << ns.lbaShift) >>> 9;
        if (c.faults.corruptAt.length != 0 || c.faults.corrupt.length != 0) {
            corrupt(ns, slba, nlb);
        }
        return 0;
    }

    private void corrupt(MockNamespace ns, long slba, long nlb) {
        for (FaultRule r : c.faults.corruptAt) {
            if (r.param2 == ns.nsid && r.param >= slba && r.param < slba + nlb && r.firesAlways()) {
                e.prp.flipByte((r.param - slba) * ns.wireBlockBytes(e.cdw12));
                e.counters.readsCorrupted++;
            }
        }
        FaultRule r = Faults.firing(c.faults.corrupt, e.sqid, e.opcode);
        if (r != null) {
            e.prp.flipByte(r.nextInt((int) Math.min(Integer.MAX_VALUE, nlb << ns.lbaShift)));
            e.counters.readsCorrupted++;
        }
    }

    private int write(MockNamespace ns) {
        long slba = slba();
        long nlb = IoFields.blocks(e.cdw12);
        int st = ns.metadataSize == 0 ? prepare(ns, slba, nlb) : metadata.write(ns, slba, nlb);
        if (st != 0) {
            return st;
        }
        if (ns.metadataSize == 0) {
            transfer(ns, slba, nlb, false);
        }
        e.counters.hostWrites++;
        e.counters.dataUnitsWritten += (nlb << ns.lbaShift) >>> 9;
        return 0;
    }

    private int writeZeroes(MockNamespace ns) {
        if ((c.config.oncs() & IdentifyLayout.ONCS_WRITE_ZEROES) == 0) {
            return NvmeStatus.INVALID_COMMAND_OPCODE.code(true);
        }
        long slba = slba();
        long nlb = IoFields.blocks(e.cdw12);
        if (!ns.inRange(slba, nlb)) {
            return NvmeStatus.LBA_OUT_OF_RANGE.code(true);
        }
        zero(ns, slba, nlb);
        ns.writeZeroesMetadata(slba, nlb, (e.cdw12 & PiTuple.PRACT) != 0, e.cdw14, e.cdw15 & 0xFFFF);
        return 0;
    }

    /**
     * Moves the data of a Read ({@code toHost}) or Write between the mapped PRPs and the store, its
     * range locked; a read the store can check afterwards ({@link BlockStore#readStamp}) goes
     * without the lock first and is repeated under it when a write got in between.
     */
    private void transfer(MockNamespace ns, long slba, long nlb, boolean toHost) {
        long off = slba << ns.lbaShift;
        long len = nlb << ns.lbaShift;
        if (toHost) {
            long stamp = ns.store.readStamp(off, len);
            if (stamp >= 0) {
                e.prp.storeToHost(ns.store, off);
                if (ns.store.validateRead(off, stamp)) {
                    return;
                }
            }
        }
        ns.store.lockRange(off, len);
        try {
            if (toHost) {
                e.prp.storeToHost(ns.store, off);
            } else {
                e.prp.hostToStore(ns.store, off);
            }
        } finally {
            ns.store.unlockRange(off, len);
        }
    }

    private static void zero(MockNamespace ns, long slba, long nlb) {
        long off = slba << ns.lbaShift;
        long len = nlb << ns.lbaShift;
        ns.store.lockRange(off, len);
        try {
            ns.store.zero(off, len);
        } finally {
            ns.store.unlockRange(off, len);
        }
    }

    /** Dataset Management (NVM Command Set 3.2.1): ranges of 16 bytes in the data buffer. */
    private int datasetManagement(MockNamespace ns) {
        if ((c.config.oncs() & IdentifyLayout.ONCS_DSM) == 0) {
            return NvmeStatus.INVALID_COMMAND_OPCODE.code(true);
        }
        int nr = IoFields.dsmRanges(e.cdw10);
        MemorySegment buf = e.admin.scratch;
        int st = e.prp.map(e.prp1, e.prp2, (long) nr * IoFields.DSM_RANGE_SIZE, c.regs.pageSize);
        if (st != 0) {
            return st;
        }
        e.prp.copyFromHost(buf, 0);
        for (int i = 0; i < nr; i++) {
            long len = buf.get(LE_INT, (long) i * IoFields.DSM_RANGE_SIZE + IoFields.DSM_RANGE_LENGTH) & 0xFFFF_FFFFL;
            long slba = buf.get(LE_LONG, (long) i * IoFields.DSM_RANGE_SIZE + IoFields.DSM_RANGE_SLBA);
            if (!ns.inRange(slba, len)) {
                return NvmeStatus.LBA_OUT_OF_RANGE.code(true);
            }
        }
        if ((e.cdw11 & DSM_ATTR_DEALLOCATE) != 0) {
            for (int i = 0; i < nr; i++) {
                long len = buf.get(LE_INT, (long) i * IoFields.DSM_RANGE_SIZE + IoFields.DSM_RANGE_LENGTH) & 0xFFFF_FFFFL;
                long slba = buf.get(LE_LONG, (long) i * IoFields.DSM_RANGE_SIZE + IoFields.DSM_RANGE_SLBA);
                zero(ns, slba, len);
                ns.zeroMetadata(slba, len);
            }
        }
        return 0;
    }
}
