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
import java.util.LinkedHashMap;
import java.util.Map;
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

    /** One record's fields in nvme discover's order and words; sectype only for TCP. */
    private static Map<String, String> fields(DiscoveryEntry e) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("trtype", e.trtypeName());
        f.put("adrfam", e.adrfamName());
        f.put("subtype", e.subtypeName());
        f.put("treq", e.treqName());
        f.put("portid", Integer.toString(e.portId()));
        f.put("trsvcid", e.trsvcid());
        f.put("subnqn", e.subnqn());
        f.put("traddr", e.traddr());
        f.put("eflags", e.eflags() == 0 ? "none" : "0x" + Integer.toHexString(e.eflags()));
        if (e.trtype() == 3) {
            f.put("sectype", e.sectypeName());
        }
        return f;
    }

    static void print(PrintWriter out, TcpDiscovery.Log log) {
        out.printf("%nDiscovery Log Number of Records %d, Generation counter %d%n", log.entries().size(),
                log.generation());
        int i = 0;
        for (DiscoveryEntry e : log.entries()) {
            out.printf("=====Discovery Log Entry %d======%n", i++);
            fields(e).forEach((k, v) -> out.printf("%-9s%s%n", k + ":", v));
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
            fields(e).forEach(r::put);
        }
        try {
            out.println(mapper.writeValueAsString(root));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
