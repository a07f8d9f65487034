package dev.nvme4j.tcp;

import static dev.nvme4j.tcp.TcpPdu.IC_DGST_DATA;
import static dev.nvme4j.tcp.TcpPdu.IC_DGST_HEADER;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The connection negotiation of one {@link TcpQueue} (ICReq/ICResp, NVMe/TCP 3.6.2.2/3) and the
 * parameters it settled: digests and MAXH2CDATA. The ICResp itself is checked by {@link PduEvents}.
 */
final class Negotiation {
    private final TcpQueue q;
    boolean headerDigest;
    boolean dataDigest;
    /** MAXH2CDATA from the ICResp: the most data one H2CData PDU may carry. */
    int maxH2cData;
    private boolean icRespReceived;

    Negotiation(TcpQueue q) {
        this.q = q;
    }

    /** The ICResp's parameters: the digests, MAXH2CDATA and CPDA. */
    void negotiated(boolean header, boolean data, int maxData, int cpda) {
        headerDigest = header;
        dataDigest = data;
        maxH2cData = maxData;
        q.receiver.digests(header, data);
        q.sender.negotiated(header, data, cpda);
        icRespReceived = true;
    }

    /** Sends the ICReq and waits for the ICResp, within the connect timeout. */
    void exchange(TcpOptions options) throws TcpTransportException {
        int want = (options.headerDigest() ? IC_DGST_HEADER : 0) | (options.dataDigest() ? IC_DGST_DATA : 0);
        long deadline = System.nanoTime() + options.connectTimeoutNanos();
        try {
            // HPDA 0: the host takes data at any dword offset; MAXR2T 0: one R2T per command at a time.
            q.sender.icReq(0, want, 0, deadline);
            q.sender.flush(deadline);
            while (!icRespReceived) {
                q.pumpReceive();
                if (!icRespReceived && !q.wire.await(false, deadline)) {
                    throw new TcpTransportException(TcpTransportException.Kind.TIMEOUT, "no ICResp from " + q.name
                            + " within " + TimeUnit.NANOSECONDS.toMillis(options.connectTimeoutNanos())
                            + " ms: the peer accepted the TCP connection but does not speak NVMe/TCP");
                }
            }
        } catch (TcpTransportException e) {
            throw e;
        } catch (IOException e) {
            throw new TcpTransportException(TcpTransportException.Kind.CONNECTION,
                    "connection to " + q.name + " failed during ICReq/ICResp: " + e.getMessage(), e);
        }
        int got = (headerDigest ? IC_DGST_HEADER : 0) | (dataDigest ? IC_DGST_DATA : 0);
        if (got != want) {
            throw new TcpTransportException(TcpTransportException.Kind.PROTOCOL, 0,
                    "the controller at " + q.name + " did not accept the digests asked for (asked: " + digestNames(want)
                            + ", granted: " + digestNames(got) + "); connect without them or enable them on the target",
                    null);
        }
    }

    private static String digestNames(int bits) {
        return bits == 0 ? "none" : ((bits & IC_DGST_HEADER) != 0 ? "header" : "")
                + (bits == 3 ? "+" : "") + ((bits & IC_DGST_DATA) != 0 ? "data" : "");
    }
}
