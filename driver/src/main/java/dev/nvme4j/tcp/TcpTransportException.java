package dev.nvme4j.tcp;

import java.io.IOException;

/**
 * The NVMe/TCP connection of one queue failed: the peer broke the protocol, a digest did not
 * match, the connection was refused, reset or closed, or a wait ran past its deadline. The
 * connection is unusable afterwards; the commands that were outstanding on it have completed with
 * a transport error status.
 */
public class TcpTransportException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Why the connection failed. */
    public enum Kind {
        /** The peer sent a PDU the specification does not allow here (the FES says which rule). */
        PROTOCOL,
        /** A header or data digest did not match. */
        DIGEST,
        /** The controller terminated the connection with a C2HTermReq. */
        TERMINATED_BY_PEER,
        /** The connection could not be made, or was reset or closed by the peer. */
        CONNECTION,
        /** A bounded wait ran out. */
        TIMEOUT,
        /** The connection was closed by this host. */
        CLOSED
    }

    private final Kind kind;
    private final int fes;
    private final int fei;

    public TcpTransportException(Kind kind, String message) {
        this(kind, 0, message, null);
    }

    public TcpTransportException(Kind kind, String message, Throwable cause) {
        this(kind, 0, message, cause);
    }

    TcpTransportException(Kind kind, int fes, String message, Throwable cause) {
        this(kind, fes, 0, message, cause);
    }

    private TcpTransportException(Kind kind, int fes, int fei, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.fes = fes;
        this.fei = fei;
    }

    /** The peer broke a rule: {@code fes} says which kind, {@code fei} the offending field's byte offset. */
    static TcpTransportException protocol(int fes, int fei, String message) {
        return new TcpTransportException(Kind.PROTOCOL, fes, fei, message, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The fatal error status sent to (or received from) the peer, 0 if none. */
    public int fes() {
        return fes;
    }

    /** The fatal error information: the byte offset of the offending header field, 0 if none. */
    public int fei() {
        return fei;
    }
}
