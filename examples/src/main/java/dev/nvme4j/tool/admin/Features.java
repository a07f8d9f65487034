package dev.nvme4j.tool.admin;

import java.util.List;

/** Feature identifiers (NVMe Base Specification 2.0, section 5.27.1, figure 317): nvme-cli's names and -H decodings. */
final class Features {
    private Features() {
    }

    /**
     * Bytes of data Get/Set Features transfers for {@code fid} (0: the value is in dword 0/11
     * only), as nvme-cli sizes its buffer: LBA Range Type 4096, Autonomous Power State
     * Transition 256, Host Memory Buffer 4096, Timestamp 8, Predictable Latency Mode Config 512,
     * Host Behavior Support 512.
     */
    static int dataLength(int fid) {
        return switch (fid) {
            case 0x03, 0x0d -> 4096;
            case 0x0c -> 256;
            case 0x0e -> 8;
            case 0x13, 0x16 -> 512;
            default -> 0;
        };
    }

    static String name(int fid) {
        return switch (fid) {
            case 0x01 -> "Arbitration";
            case 0x02 -> "Power Management";
            case 0x03 -> "LBA Range Type";
            case 0x04 -> "Temperature Threshold";
            case 0x05 -> "Error Recovery";
            case 0x06 -> "Volatile Write Cache";
            case 0x07 -> "Number of Queues";
            case 0x08 -> "Interrupt Coalescing";
            case 0x09 -> "Interrupt Vector Configuration";
            case 0x0a -> "Write Atomicity Normal";
            case 0x0b -> "Async Event Configuration";
            case 0x0c -> "Autonomous Power State Transition";
            case 0x0d -> "Host Memory Buffer";
            case 0x0e -> "Timestamp";
            case 0x0f -> "Keep Alive Timer";
            case 0x10 -> "Host Controlled Thermal Management";
            case 0x11 -> "Non-Operational Power State Config";
            case 0x12 -> "Read Recovery Level";
            case 0x13 -> "Predictable Latency Mode Config";
            case 0x14 -> "Predictable Latency Mode Window";
            case 0x15 -> "LBA Status Interval";
            case 0x16 -> "Host Behavior";
            case 0x17 -> "Sanitize";
            case 0x18 -> "Endurance Event Group Configuration";
            case 0x19 -> "I/O Command Set Profile";
            case 0x1a -> "Spinup Control";
            case 0x7d -> "Enhanced Controller Metadata";
            case 0x7e -> "Controller Metadata";
            case 0x7f -> "Namespace Metadata";
            case 0x80 -> "Software Progress";
            case 0x81 -> "Host Identifier";
            case 0x82 -> "Reservation Notification Mask";
            case 0x83 -> "Reservation Persistence";
            case 0x84 -> "Namespace Write Protect";
            default -> "Unknown";
        };
    }

    static String select(int sel) {
        return switch (sel) {
            case 0 -> "Current";
            case 1 -> "Default";
            case 2 -> "Saved";
            case 3 -> "Supported capabilities";
            case 8 -> "Changed";
            default -> "Reserved";
        };
    }

    /** nvme-cli's {@code -H} lines for the value of feature {@code fid} (empty when it has none for it). */
    static List<String> decode(int fid, int v) {
        long u = v & 0xFFFF_FFFFL;
        return switch (fid) {
            case 0x01 -> List.of(
                    "\tHigh Priority Weight   (HPW): " + ((u >>> 24 & 0xFF) + 1),
                    "\tMedium Priority Weight (MPW): " + ((u >>> 16 & 0xFF) + 1),
                    "\tLow Priority Weight    (LPW): " + ((u >>> 8 & 0xFF) + 1),
                    "\tArbitration Burst       (AB): " + ((u & 7) == 7 ? "No limit" : Long.toString(1L << (u & 7))));
            case 0x06 -> List.of("\tVolatile Write Cache Enable (WCE): " + ((u & 1) != 0 ? "Enabled" : "Disabled"));
            case 0x07 -> List.of(
                    "\tNumber of IO Completion Queues Allocated (NCQA): " + ((u >>> 16) + 1),
                    "\tNumber of IO Submission Queues Allocated (NSQA): " + ((u & 0xFFFF) + 1));
            case 0x08 -> List.of(
                    "\tAggregation Time     (TIME): " + ((u >>> 8 & 0xFF) * 100) + " usec",
                    "\tAggregation Threshold (THR): " + ((u & 0xFF) + 1));
            case 0x09 -> List.of(
                    "\tCoalescing Disable (CD): " + ((u >>> 16 & 1) != 0 ? "True" : "False"),
                    "\tInterrupt Vector   (IV): " + (u & 0xFFFF));
            case 0x0a -> List.of("\tDisable Normal (DN): " + ((u & 1) != 0 ? "True" : "False"));
            case 0x0f -> List.of("\tKeep Alive Timeout (KATO) in milliseconds: " + u);
            default -> List.of();
        };
    }
}
