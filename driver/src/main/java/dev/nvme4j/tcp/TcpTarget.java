package dev.nvme4j.tcp;

import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.FabricsOptions;
import java.net.InetSocketAddress;

/**
 * A controller's NVMe/TCP address as the API and the tool take it:
 * {@code tcp://HOST[:PORT]/SUBNQN} (port 4420 when omitted; an IPv6 host in brackets).
 *
 * @param address where the controller listens
 * @param subNqn  the subsystem NQN; empty for a discovery address ({@code tcp://HOST:PORT})
 */
public record TcpTarget(InetSocketAddress address, String subNqn) {
    public static final String SCHEME = "tcp://";
    /** The IANA port of NVMe/TCP I/O controllers. */
    public static final int DEFAULT_PORT = 4420;

    /** True when {@code device} names an NVMe/TCP controller rather than a PCI address or a mock. */
    public static boolean isTcp(String device) {
        return device != null && device.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
    }

    /**
     * Parses {@code tcp://HOST[:PORT][/SUBNQN]}.
     *
     * @throws IllegalArgumentException naming what is wrong and the expected form
     */
    public static TcpTarget parse(String uri) {
        if (!isTcp(uri)) {
            throw new IllegalArgumentException("'" + uri + "' is not an NVMe/TCP address; expected tcp://HOST:PORT/SUBNQN");
        }
        String rest = uri.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        String hostPort = slash < 0 ? rest : rest.substring(0, slash);
        String nqn = slash < 0 ? "" : rest.substring(slash + 1);
        String host;
        String port = null;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + uri + "': unterminated [IPv6 address]");
            }
            host = hostPort.substring(1, close);
            if (close + 1 < hostPort.length()) {
                if (hostPort.charAt(close + 1) != ':') {
                    throw new IllegalArgumentException("'" + uri + "': expected :PORT after the ]");
                }
                port = hostPort.substring(close + 2);
            }
        } else {
            int colon = hostPort.lastIndexOf(':');
            host = colon < 0 ? hostPort : hostPort.substring(0, colon);
            port = colon < 0 ? null : hostPort.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("'" + uri + "' has no host; expected tcp://HOST:PORT/SUBNQN");
        }
        int p = DEFAULT_PORT;
        if (port != null) {
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                p = -1;
            }
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("'" + uri + "': port '" + port + "' is not 1..65535");
            }
        }
        if (!nqn.isEmpty()) {
            Fabrics.checkNqn("subsystem NQN", nqn);
        }
        return new TcpTarget(new InetSocketAddress(host, p), nqn);
    }

    /** Connects the driver's function for this target (which must name a subsystem). */
    public TcpFunction open(ControllerOptions controller, FabricsOptions fabrics) {
        if (subNqn.isEmpty()) {
            throw new IllegalArgumentException("tcp://" + address.getHostString() + ":" + address.getPort()
                    + " names no subsystem: append /SUBNQN (nvme4j discover lists them)");
        }
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("cannot resolve host '" + address.getHostString() + "'");
        }
        TcpOptions o = TcpOptions.defaults()
                .withHost(fabrics.hostNqn(), fabrics.hostId())
                .withDigests(fabrics.headerDigest(), fabrics.dataDigest())
                .withKeepAliveMillis((int) fabrics.keepAlive().toMillis())
                .withSqFlowControlDisabled(fabrics.disableSqFlowControl())
                .withTimeouts(fabrics.connectTimeout().toNanos(), controller.adminTimeout().toNanos(),
                        java.util.concurrent.TimeUnit.NANOSECONDS);
        return TcpFunction.open(address, subNqn, o, controller.adminQueueDepth(), fabrics.reconnectTimeout().toNanos());
    }
}
