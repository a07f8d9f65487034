package dev.nvme4j.mock;

import dev.nvme4j.spec.Le;
import static dev.nvme4j.spec.LogPageLayout.*;

import dev.nvme4j.spec.Opcodes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Log pages (Base 5.16.1): Error Information, SMART / Health, Firmware Slot, Changed Namespace List. */
final class LogPages {
    static final int ERROR_ENTRIES = 64;
    private static final ValueLayout.OfShort LE_SHORT = Le.SHORT;
    private static final ValueLayout.OfInt LE_INT = Le.INT;
    private static final ValueLayout.OfLong LE_LONG = Le.LONG;

    private final MockNvmeController c;
    int criticalWarning;
    private long errorCount;
    private final long[] errCount = new long[ERROR_ENTRIES];
    private final int[] errSqid = new int[ERROR_ENTRIES];
    private final int[] errCid = new int[ERROR_ENTRIES];
    private final int[] errStatus = new int[ERROR_ENTRIES];
    private final int[] errNsid = new int[ERROR_ENTRIES];
    /** NSIDs changed since the Changed Namespace List was last read, ascending. */
    private final java.util.TreeSet<Integer> changed = new java.util.TreeSet<>();
    private boolean changedOverflow;

    LogPages(MockNvmeController c) {
        this.c = c;
    }

    synchronized void recordError(int sqid, int cid, int status, int nsid) {
        int i = (int) (errorCount++ % ERROR_ENTRIES);
        errCount[i] = errorCount;
        errSqid[i] = sqid;
        errCid[i] = cid;
        errStatus[i] = status;
        errNsid[i] = nsid;
    }

    /** Adds {@code nsid} to the Changed Namespace List (Base 5.16.1.5: at most 1024, else FFFFFFFFh alone). */
    synchronized void changedNamespace(int nsid) {
        if (nsid == Opcodes.NSID_BROADCAST || (changed.size() == CHANGED_NS_LIST_ENTRIES && !changed.contains(nsid))) {
            changedOverflow = true;
            changed.clear();
        } else if (!changedOverflow) {
            changed.add(nsid);
        }
    }

    /** Fills {@code out} with log page {@code lid}; returns its size, or -1 if not supported. */
    synchronized int build(int lid, MemorySegment out) {
        Zeros.fill(out, 0, 4096);
        return switch (lid) {
            case Opcodes.LOG_ERROR_INFORMATION -> errors(out);
            case Opcodes.LOG_SMART_HEALTH -> smart(out);
            case Opcodes.LOG_FIRMWARE_SLOT -> c.engine.admin.management.firmware.log(out);
            case Opcodes.LOG_DEVICE_SELF_TEST -> c.engine.admin.management.selfTests.log(out);
            case Opcodes.LOG_SANITIZE_STATUS -> c.engine.admin.management.sanitizer.log(out);
            case Opcodes.LOG_CHANGED_NAMESPACE_LIST -> changedList(out);
            default -> -1;
        };
    }

    /** Newest first, as Base 5.16.1.2 orders the entries. */
    private int errors(MemorySegment out) {
        int n = (int) Math.min(errorCount, ERROR_ENTRIES);
        for (int k = 0; k < n; k++) {
            int i = (int) ((errorCount - 1 - k) % ERROR_ENTRIES);
            long base = (long) k * ERROR_ENTRY_SIZE;
            out.set(LE_LONG, base + ERR_ERROR_COUNT, errCount[i]);
            out.set(LE_SHORT, base + ERR_SQID, (short) errSqid[i]);
            out.set(LE_SHORT, base + ERR_CID, (short) errCid[i]);
            out.set(LE_SHORT, base + ERR_STATUS, (short) (errStatus[i] << 1));
            out.set(LE_SHORT, base + ERR_PARAM_LOCATION, (short) 0xFFFF);
            out.set(LE_INT, base + ERR_NSID, errNsid[i]);
        }
        return ERROR_ENTRIES * ERROR_ENTRY_SIZE;
    }

    private int smart(MemorySegment out) {
        Counters k = c.totals();
        out.set(ValueLayout.JAVA_BYTE, SMART_CRITICAL_WARNING, (byte) criticalWarning);
        out.set(LE_SHORT, SMART_COMPOSITE_TEMPERATURE, (short) 308); // 35 degrees Celsius
        out.set(ValueLayout.JAVA_BYTE, SMART_AVAILABLE_SPARE, (byte) 100);
        out.set(ValueLayout.JAVA_BYTE, SMART_AVAILABLE_SPARE_THRESHOLD, (byte) 10);
        out.set(LE_LONG, SMART_DATA_UNITS_READ, (k.dataUnitsRead + 999) / 1000);
        out.set(LE_LONG, SMART_DATA_UNITS_WRITTEN, (k.dataUnitsWritten + 999) / 1000);
        out.set(LE_LONG, SMART_HOST_READ_COMMANDS, k.hostReads);
        out.set(LE_LONG, SMART_HOST_WRITE_COMMANDS, k.hostWrites);
        out.set(LE_LONG, SMART_POWER_CYCLES, 1);
        out.set(LE_LONG, SMART_ERROR_LOG_ENTRIES, errorCount);
        return SMART_SIZE;
    }

    private int changedList(MemorySegment out) {
        if (changedOverflow) {
            out.set(LE_INT, 0, CHANGED_NS_LIST_OVERFLOW);
        } else {
            int i = 0;
            for (int nsid : changed) {
                out.set(LE_INT, 4L * i++, nsid);
            }
        }
        changed.clear();
        changedOverflow = false;
        return 4096;
    }
}
