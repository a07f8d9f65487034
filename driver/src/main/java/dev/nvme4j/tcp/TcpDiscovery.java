package dev.nvme4j.tcp;

import dev.nvme4j.spec.Le;
import dev.nvme4j.spec.Opcodes;
import dev.nvme4j.spec.Sqe;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the Discovery Log Page (log identifier 70h, Base 2.0 5.16.1.23) from a discovery
 * controller over NVMe/TCP: Connect to the well-known discovery NQN, enable, read the header for
 * the record count, read the records, and read the header again to make sure the generation
 * counter did not change meanwhile (retrying a few times when it did).
 */
public final class TcpDiscovery {
    /** The IANA port of NVMe/TCP discovery (NVMe/TCP 1.0, 3.1). */
    public static final int DISCOVERY_PORT = 8009;
    static final int LID_DISCOVERY = 0x70;
    static final int HEADER_BYTES = 1024;
    static final int ENTRY_BYTES = 1024;
    /** The most records read: bounds what a peer can make the host allocate. */
    static final int MAX_RECORDS = 1024;
    private static final ValueLayout.OfLong LONG = Le.LONG;
    private static final ValueLayout.OfShort SHORT = Le.SHORT;

    /** The log page: its generation counter and entries. */
    public record Log(long generation, List<DiscoveryEntry> entries) {
    }

    private TcpDiscovery() {
    }

    public static Log discover(InetSocketAddress address, TcpOptions options) throws TcpTransportException {
        try (TcpController c = TcpController.connect(address, Fabrics.DISCOVERY_NQN, options);
                Arena arena = Arena.ofConfined()) {
            MemorySegment header = arena.allocate(HEADER_BYTES, 8);
            LogReader log = new LogReader(c, arena.allocate(64, 64));
            for (int attempt = 0; attempt < 3; attempt++) {
                log.read(LID_DISCOVERY, 0, header, HEADER_BYTES);
                long gen = header.get(LONG, 0);
                long numrec = header.get(LONG, 8);
                if (numrec < 0 || numrec > MAX_RECORDS) {
                    throw new TcpTransportException(TcpTransportException.Kind.PROTOCOL, "the discovery controller at "
                            + address + " reports " + Long.toUnsignedString(numrec) + " records; at most "
                            + MAX_RECORDS + " are read");
                }
                List<DiscoveryEntry> entries = new ArrayList<>();
                if (numrec > 0) {
                    int bytes = (int) numrec * ENTRY_BYTES;
                    MemorySegment records = arena.allocate(bytes, 8);
                    log.read(LID_DISCOVERY, HEADER_BYTES, records, bytes);
                    for (int i = 0; i < numrec; i++) {
                        entries.add(parse(records, (long) i * ENTRY_BYTES));
                    }
                }
                log.read(LID_DISCOVERY, 0, header, HEADER_BYTES);
                if (header.get(LONG, 0) == gen) {
                    return new Log(gen, List.copyOf(entries));
                }
            }
            throw new TcpTransportException(TcpTransportException.Kind.PROTOCOL, "the discovery log at " + address
                    + " kept changing while it was read (generation counter); try again");
        }
    }

    /** Get Log Page (Base 5.16) on a controller's admin queue, with its own SQE. */
    private record LogReader(TcpController c, MemorySegment sqe) {
        /** {@code length} bytes (a multiple of 4) of log {@code lid} from {@code offset} into {@code dst}. */
        void read(int lid, long offset, MemorySegment dst, int length) throws TcpTransportException {
            if (length <= 0 || (length & 3) != 0 || length > dst.byteSize()) {
                throw new IllegalArgumentException("log page length " + length + " must be a positive multiple of 4");
            }
            int numd = length / 4 - 1;
            Sqe.clear(sqe, 0);
            Sqe.putInt(sqe, 0, Sqe.OFF_CDW0, Opcodes.ADMIN_GET_LOG_PAGE);
            Sqe.putInt(sqe, 0, Sqe.OFF_CDW10, lid | ((numd & 0xFFFF) << 16));
            Sqe.putInt(sqe, 0, Sqe.OFF_CDW11, numd >>> 16);
            Sqe.putInt(sqe, 0, Sqe.OFF_CDW12, (int) offset);
            Sqe.putInt(sqe, 0, Sqe.OFF_CDW13, (int) (offset >>> 32));
            int status = c.adminCommand(sqe, dst, 0, length, TcpQueue.DIR_FROM_CONTROLLER);
            TcpController.check(status, String.format("Get Log Page 0x%02x", lid));
        }
    }

    static DiscoveryEntry parse(MemorySegment s, long base) {
        return new DiscoveryEntry(
                s.get(ValueLayout.JAVA_BYTE, base) & 0xFF,
                s.get(ValueLayout.JAVA_BYTE, base + 1) & 0xFF,
                s.get(ValueLayout.JAVA_BYTE, base + 2) & 0xFF,
                s.get(ValueLayout.JAVA_BYTE, base + 3) & 0xFF,
                s.get(SHORT, base + 4) & 0xFFFF,
                s.get(SHORT, base + 6) & 0xFFFF,
                s.get(SHORT, base + 8) & 0xFFFF,
                s.get(SHORT, base + 10) & 0xFFFF,
                text(s, base + 32, 32),
                text(s, base + 256, 256),
                text(s, base + 512, 256),
                s.get(ValueLayout.JAVA_BYTE, base + 768) & 0xFF);
    }

    /** A NUL- or space-padded ASCII field. */
    private static String text(MemorySegment s, long off, int len) {
        byte[] b = s.asSlice(off, len).toArray(ValueLayout.JAVA_BYTE);
        int n = 0;
        while (n < len && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.US_ASCII).trim();
    }
}
