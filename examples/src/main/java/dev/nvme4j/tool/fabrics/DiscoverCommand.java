package dev.nvme4j.tool.fabrics;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.tcp.DiscoveryEntry;
import dev.nvme4j.tcp.TcpDiscovery;
import dev.nvme4j.tcp.TcpOptions;
import dev.nvme4j.tcp.TcpTransportException;
import dev.nvme4j.tool.cli.OutputFormat;
import dev.nvme4j.tool.cli.ToolException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nvme4j discover}: reads the Discovery Log Page of an NVMe/TCP discovery controller and
 * prints it like {@code nvme discover} (same option names and record layout).
 */
@Command(name = "discover", mixinStandardHelpOptions = true,
        description = "Read the discovery log of an NVMe over TCP discovery controller, like 'nvme discover'.")
public final class DiscoverCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"--transport", "-t"}, required = true, paramLabel = "tcp",
            description = "Transport type; only tcp is supported.")
    String transport;

    @Option(names = {"--traddr", "-a"}, required = true, paramLabel = "ADDR",
            description = "Address of the discovery controller (IPv4, IPv6 or a host name).")
    String traddr;

    @Option(names = {"--trsvcid", "-s"}, paramLabel = "PORT", defaultValue = "8009",
            description = "TCP port of the discovery controller (default ${DEFAULT-VALUE}).")
    int trsvcid;

    @Option(names = {"--hostnqn", "-q"}, paramLabel = "NQN",
            description = "Host NQN (default: nqn.2014-08.org.nvmexpress:uuid:<hostid>).")
    String hostNqn;

    @Option(names = {"--hostid", "-I"}, paramLabel = "UUID", description = "Host identifier (default: random).")
    String hostId;

    @Option(names = {"--hdr-digest", "-g"}, description = "Ask for header digests (CRC32C).")
    boolean headerDigest;

    @Option(names = {"--data-digest", "-G"}, description = "Ask for data digests (CRC32C).")
    boolean dataDigest;

    @Option(names = "--timeout", paramLabel = "MS", defaultValue = "10000",
            description = "Bound on connecting and on each command, in milliseconds (default ${DEFAULT-VALUE}).")
    long timeoutMillis;

    @Option(names = {"--output-format", "-o"}, paramLabel = "normal|json", converter = OutputFormat.Converter.class,
            defaultValue = "normal", description = "normal or json (default ${DEFAULT-VALUE}).")
    OutputFormat outputFormat = OutputFormat.NORMAL;

    @Override
    public Integer call() {
        if (!"tcp".equalsIgnoreCase(transport)) {
            throw ToolException.usage("Invalid value for option '--transport': '" + transport
                    + "' (only tcp is supported)");
        }
        if (trsvcid < 1 || trsvcid > 65535) {
            throw ToolException.usage("Invalid value for option '--trsvcid': " + trsvcid + " (a TCP port, 1..65535)");
        }
        if (timeoutMillis <= 0) {
            throw ToolException.usage("Invalid value for option '--timeout': " + timeoutMillis + " (must be > 0)");
        }
        TcpOptions options;
        try {
            UUID id = hostId == null ? UUID.randomUUID() : UUID.fromString(hostId);
            options = TcpOptions.defaults().withHost(hostNqn, id).withDigests(headerDigest, dataDigest)
                    .withTimeouts(timeoutMillis, timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (IllegalArgumentException e) {
            throw ToolException.usage("Invalid host identity: " + e.getMessage());
        }
        InetSocketAddress address = new InetSocketAddress(traddr, trsvcid);
        TcpDiscovery.Log log;
        try {
            log = TcpDiscovery.discover(address, options);
        } catch (TcpTransportException | NvmeException e) {
            throw new ToolException("discovery at " + traddr + ":" + trsvcid + " failed: " + e.getMessage(),
                    ToolException.FAILURE, e);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (outputFormat == OutputFormat.JSON) {
            printJson(out, log);
        } else {
            print(out, log);
        }
        out.flush();
        return 0;
    }

    static void print(PrintWriter out, TcpDiscovery.Log log) {
        out.printf("%nDiscovery Log Number of Records %d, Generation counter %d%n", log.entries().size(),
                log.generation());
        int i = 0;
        for (DiscoveryEntry e : log.entries()) {
            out.printf("=====Discovery Log Entry %d======%n", i++);
            out.printf("trtype:  %s%n", e.trtypeName());
            out.printf("adrfam:  %s%n", e.adrfamName());
            out.printf("subtype: %s%n", e.subtypeName());
            out.printf("treq:    %s%n", e.treqName());
            out.printf("portid:  %d%n", e.portId());
            out.printf("trsvcid: %s%n", e.trsvcid());
            out.printf("subnqn:  %s%n", e.subnqn());
            out.printf("traddr:  %s%n", e.traddr());
            out.printf("eflags:  %s%n", e.eflags() == 0 ? "none" : "0x" + Integer.toHexString(e.eflags()));
            if (e.trtype() == 3) {
                out.printf("sectype: %s%n", e.sectypeName());
            }
        }
    }

    private static void printJson(PrintWriter out, TcpDiscovery.Log log) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("genctr", log.generation());
        root.put("numrec", log.entries().size());
        ArrayNode records = root.putArray("records");
        for (DiscoveryEntry e : log.entries()) {
            ObjectNode r = records.addObject();
            r.put("trtype", e.trtypeName());
            r.put("adrfam", e.adrfamName());
            r.put("subtype", e.subtypeName());
            r.put("treq", e.treqName());
            r.put("portid", e.portId());
            r.put("trsvcid", e.trsvcid());
            r.put("subnqn", e.subnqn());
            r.put("traddr", e.traddr());
            r.put("eflags", e.eflags() == 0 ? "none" : "0x" + Integer.toHexString(e.eflags()));
            r.put("sectype", e.sectypeName());
        }
        try {
            out.println(mapper.writeValueAsString(root));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
