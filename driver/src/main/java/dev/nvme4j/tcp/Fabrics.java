package dev.nvme4j.tcp;

import dev.nvme4j.spec.Le;
import dev.nvme4j.spec.Sqe;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * NVMe over Fabrics commands (NVMe over Fabrics Specification 1.1, section 3): Connect, Property
 * Get/Set and Disconnect, written into a 64-byte SQE; and the 1024-byte Connect data. The queue
 * fills in the CID and the data pointer when it sends the capsule.
 */
final class Fabrics {
    private Fabrics() {
    }

    static final int OPC_FABRICS = 0x7F;
    static final int FCTYPE_PROPERTY_SET = 0x00;
    static final int FCTYPE_CONNECT = 0x01;
    static final int FCTYPE_PROPERTY_GET = 0x04;
    static final int FCTYPE_DISCONNECT = 0x08;
    static final int CONNECT_DATA_SIZE = 1024;
    /** Connect CATTR bit 2: the host asks for SQ flow control to be disabled (Fabrics 3.3, figure 20). */
    static final int CATTR_DISABLE_SQ_FLOW_CONTROL = 1 << 2;
    /** Connect: ask the controller to allocate a controller ID (the dynamic controller model). */
    static final int CNTLID_DYNAMIC = 0xFFFF;
    /** The well-known NQN of a discovery controller (Base 2.0, 4.5). */
    static final String DISCOVERY_NQN = "nqn.2014-08.org.nvmexpress.discovery";
    static final int NQN_MAX_BYTES = 223;

    private static final ValueLayout.OfShort SHORT = Le.SHORT;

    private static void fabrics(MemorySegment sqe, int fctype) {
        Sqe.clear(sqe, 0);
        sqe.set(ValueLayout.JAVA_BYTE, 0, (byte) OPC_FABRICS);
        sqe.set(ValueLayout.JAVA_BYTE, 4, (byte) fctype);
    }

    /**
     * Connect (3.3): RECFMT 0, QID, SQSIZE (0's based), CATTR and, for the admin queue, the Keep
     * Alive Timeout in milliseconds.
     */
    static void connect(MemorySegment sqe, int qid, int sqSize0Based, int cattr, int katoMillis) {
        fabrics(sqe, FCTYPE_CONNECT);
        sqe.set(SHORT, 40, (short) 0);
        sqe.set(SHORT, 42, (short) qid);
        sqe.set(SHORT, 44, (short) sqSize0Based);
        sqe.set(ValueLayout.JAVA_BYTE, 46, (byte) cattr);
        Sqe.putInt(sqe, 0, 48, katoMillis);
    }

    /** The Connect data (3.3, figure 21): Host Identifier, CNTLID, SUBNQN, HOSTNQN. */
    static void connectData(MemorySegment data, UUID hostId, int cntlid, String subNqn, String hostNqn) {
        data.asSlice(0, CONNECT_DATA_SIZE).fill((byte) 0);
        data.set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 0, hostId.getMostSignificantBits());
        data.set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 8, hostId.getLeastSignificantBits());
        data.set(SHORT, 16, (short) cntlid);
        putString(data, 256, subNqn);
        putString(data, 512, hostNqn);
    }

    /** Property Get (3.4): ATTRIB bits 2:0 = 1 for an 8-byte property, OFST the register offset. */
    static void propertyGet(MemorySegment sqe, int offset, boolean eightBytes) {
        fabrics(sqe, FCTYPE_PROPERTY_GET);
        sqe.set(ValueLayout.JAVA_BYTE, 40, (byte) (eightBytes ? 1 : 0));
        Sqe.putInt(sqe, 0, 44, offset);
    }

    /** Property Set (3.5): ATTRIB, OFST and VALUE (bytes 48-55). */
    static void propertySet(MemorySegment sqe, int offset, boolean eightBytes, long value) {
        fabrics(sqe, FCTYPE_PROPERTY_SET);
        sqe.set(ValueLayout.JAVA_BYTE, 40, (byte) (eightBytes ? 1 : 0));
        Sqe.putInt(sqe, 0, 44, offset);
        Sqe.putLong(sqe, 0, 48, value);
    }

    /** Disconnect (Fabrics 1.1, 3.6): ends the I/O queue on this connection. RECFMT 0. */
    static void disconnect(MemorySegment sqe) {
        fabrics(sqe, FCTYPE_DISCONNECT);
    }

    /** Why a Connect failed, from its status (Fabrics 1.1, figure 23: the Connect-specific codes). */
    static String connectFailure(int status, String subNqn, java.net.InetSocketAddress address, String hostNqn) {
        String why = switch (dev.nvme4j.api.Status.sct(status) == 1 ? dev.nvme4j.api.Status.sc(status) : -1) {
            case 0x80 -> "incompatible Connect format";
            case 0x81 -> "the controller is busy";
            case 0x82 -> "invalid parameter in the Connect data (often: the subsystem NQN '" + subNqn
                    + "' is not offered on this port, or the controller ID is unknown)";
            case 0x84 -> "this host (" + hostNqn + ") is not allowed to connect to " + subNqn;
            case 0x85 -> "invalid queue type";
            default -> dev.nvme4j.api.Status.describe(status);
        };
        return "Connect to " + subNqn + " at " + address + " failed: " + why;
    }

    /** Checks an NQN the user gave: ASCII/UTF-8, at most 223 bytes (Base 4.5). */
    static String checkNqn(String what, String nqn) {
        if (nqn == null || nqn.isEmpty()) {
            throw new IllegalArgumentException(what + " is empty: give an NQN like nqn.2014-08.org.example:name");
        }
        int bytes = nqn.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > NQN_MAX_BYTES) {
            throw new IllegalArgumentException(what + " '" + nqn + "' is " + bytes + " bytes long; an NQN has at most "
                    + NQN_MAX_BYTES);
        }
        return nqn;
    }

    /** A host NQN in the UUID format of Base 4.5: {@code nqn.2014-08.org.nvmexpress:uuid:<uuid>}. */
    static String hostNqnFor(UUID hostId) {
        return "nqn.2014-08.org.nvmexpress:uuid:" + hostId;
    }

    private static void putString(MemorySegment seg, long off, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(b, 0, seg, ValueLayout.JAVA_BYTE, off, b.length);
    }
}
