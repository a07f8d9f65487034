package dev.nvme4j.tool.device;

import dev.nvme4j.tool.cli.ByteSize;
import dev.nvme4j.tool.cli.LowerCaseEnumConverter;
import dev.nvme4j.tool.cli.TimeSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The {@code --device} option shared by every subcommand, with the settings of the embedded
 * mock controller and its fault injection (used only when the device is {@code mock}).
 */
public final class DeviceOptions {
    /** The name that selects the embedded mock controller. */
    public static final String MOCK = "mock";

    /** Backing store of the mock's namespaces. */
    public enum Backing {
        RAM, FILE, NULL, NONE;

        /** Converter accepting {@code ram}, {@code file}, {@code null}, {@code none}. */
        public static final class Converter extends LowerCaseEnumConverter<Backing> {
            public Converter() {
                super(Backing.class);
            }
        }
    }

    /** How the mock executes commands. */
    public enum Execution {
        DETERMINISTIC, THREADED;

        /** Converter accepting {@code deterministic}, {@code threaded}. */
        public static final class Converter extends LowerCaseEnumConverter<Execution> {
            public Converter() {
                super(Execution.class);
            }
        }
    }

    /** {@code --shadow-doorbells}: on or off. */
    public enum OnOff {
        ON, OFF;

        /** Converter accepting {@code on}, {@code off}. */
        public static final class Converter extends LowerCaseEnumConverter<OnOff> {
            public Converter() {
                super(OnOff.class);
            }
        }
    }

    /** How an NVMe/TCP address starts. */
    public static final String TCP = "tcp://";

    @Option(names = "--device", paramLabel = "mock|PCI|tcp://HOST:PORT/NQN", defaultValue = MOCK,
            description = "'mock' (the embedded mock controller, default), the PCI address of an NVMe "
                    + "function bound to vfio-pci, e.g. 0000:01:00.0, or an NVMe/TCP controller, "
                    + "tcp://HOST[:PORT]/SUBNQN (port 4420 when omitted)")
    public String device = MOCK;

    @Option(names = "--hostnqn", paramLabel = "NQN",
            description = "NVMe/TCP: the host NQN of every Connect (default nqn.2014-08.org.nvmexpress:uuid:<hostid>).")
    public String hostNqn;

    @Option(names = "--hostid", paramLabel = "UUID", description = "NVMe/TCP: the host identifier (default random).")
    public String hostId;

    @Option(names = "--hdr-digest", description = "NVMe/TCP: ask for header digests (CRC32C).")
    public boolean headerDigest;

    @Option(names = "--data-digest", description = "NVMe/TCP: ask for data digests (CRC32C).")
    public boolean dataDigest;

    @Option(names = "--keep-alive-tmo", paramLabel = "SECONDS",
            description = "NVMe/TCP: Keep Alive Timeout (default 10; 0: no Keep Alive).")
    public Integer keepAliveSeconds;

    @Option(names = "--ctrl-loss-tmo", paramLabel = "SECONDS",
            description = "NVMe/TCP: how long a reset keeps reconnecting before the controller fails (default 10).")
    public Integer ctrlLossSeconds;

    @Option(names = "--disable-sqflow",
            description = "NVMe/TCP: ask for SQ flow control to be disabled on the I/O queues (reads may then "
                    + "complete with their data, without a separate response PDU).")
    public boolean disableSqFlow;

    /** True when the device is an NVMe/TCP controller ({@code tcp://...}). */
    public boolean isTcp() {
        return device != null && device.regionMatches(true, 0, TCP, 0, TCP.length());
    }

    /** The NVMe/TCP connection options these flags give. */
    public dev.nvme4j.api.FabricsOptions fabrics() {
        dev.nvme4j.api.FabricsOptions.Builder b = dev.nvme4j.api.FabricsOptions.builder();
        try {
            b.hostNqn(hostNqn).headerDigest(headerDigest).dataDigest(dataDigest).disableSqFlowControl(disableSqFlow);
            if (hostId != null) {
                b.hostId(java.util.UUID.fromString(hostId));
            }
            if (keepAliveSeconds != null) {
                b.keepAlive(Duration.ofSeconds(keepAliveSeconds));
            }
            if (ctrlLossSeconds != null) {
                b.reconnectTimeout(Duration.ofSeconds(ctrlLossSeconds));
            }
        } catch (IllegalArgumentException e) {
            throw dev.nvme4j.tool.cli.ToolException.usage("Invalid NVMe/TCP option: " + e.getMessage());
        }
        return b.build();
    }

    @Option(names = "--unsafe-no-iommu", description = "Allow VFIO no-IOMMU mode (the device can DMA anywhere).")
    public boolean unsafeNoIommu;

    @Option(names = "--io-timeout", paramLabel = "TIME", converter = TimeSpec.Positive.class,
            description = "Driver: I/O command deadline before recovery starts (default: the driver's, 30s).")
    public Duration ioTimeout;

    @Option(names = "--admin-timeout", paramLabel = "TIME", converter = TimeSpec.Positive.class,
            description = "Driver: admin command deadline (default: the driver's, 10s).")
    public Duration adminTimeout;

    @Option(names = "--shadow-doorbells", paramLabel = "on|off", converter = OnOff.Converter.class,
            description = "Driver: shadow doorbells (Doorbell Buffer Config) where the controller offers them: the "
                    + "MMIO doorbell is written only when the controller asks for it (default: the driver's, off). "
                    + "With --device=mock, on also makes the mock offer them.")
    public OnOff shadowDoorbells;

    @Option(names = "--cmb", paramLabel = "on|off", converter = OnOff.Converter.class,
            description = "Driver: put the I/O submission queues in the controller memory buffer where the controller "
                    + "offers one that may hold them (default: the driver's, off). With --device=mock, on also gives "
                    + "the mock a 16 MiB one.")
    public OnOff cmb;

    @Option(names = "--hybrid-spin", paramLabel = "TIME|auto[:LIMIT]",
            description = "Driver: how long --mode=hybrid spins on the completion queue before it blocks on the "
                    + "interrupt: a fixed TIME such as 200us, or auto: learnt per queue pair from its completion "
                    + "times, at most LIMIT (default: the driver's, auto:500us).")
    public String hybridSpin;

    /** These options applied to the controller options a command starts from. */
    public dev.nvme4j.api.ControllerOptions apply(dev.nvme4j.api.ControllerOptions options) {
        dev.nvme4j.api.ControllerOptions.Builder b = options.toBuilder();
        if (unsafeNoIommu) {
            b.unsafeNoIommu(true);
        }
        if (shadowDoorbells != null) {
            b.shadowDoorbells(shadowDoorbells == OnOff.ON);
        }
        if (cmb != null) {
            b.cmbSubmissionQueues(cmb == OnOff.ON);
        }
        try {
            if (ioTimeout != null) {
                b.ioTimeout(ioTimeout);
            }
            if (adminTimeout != null) {
                b.adminTimeout(adminTimeout);
            }
        } catch (IllegalArgumentException e) {
            throw dev.nvme4j.tool.cli.ToolException.usage("Invalid timeout: " + e.getMessage());
        }
        if (hybridSpin != null) {
            applyHybridSpin(b, hybridSpin);
        }
        return b.build();
    }

    /** {@code --hybrid-spin}: TIME (fixed), {@code auto} or {@code auto:LIMIT}. */
    static void applyHybridSpin(dev.nvme4j.api.ControllerOptions.Builder b, String spec) {
        String s = spec.strip();
        try {
            if (s.equals("auto")) {
                b.adaptiveHybridSpin(dev.nvme4j.api.ControllerOptions.defaults().hybridSpin());
            } else if (s.startsWith("auto:")) {
                b.adaptiveHybridSpin(TimeSpec.parse(s.substring(5)));
            } else {
                b.hybridSpin(TimeSpec.parse(s));
            }
        } catch (IllegalArgumentException | picocli.CommandLine.TypeConversionException e) {
            throw dev.nvme4j.tool.cli.ToolException.usage("Invalid --hybrid-spin '" + spec + "': " + e.getMessage()
                    + " (use a time such as 200us, auto, or auto:LIMIT such as auto:1ms)");
        }
    }

    @Option(names = "--mock-capacity", paramLabel = "SIZE", converter = ByteSize.class, defaultValue = "1g",
            description = "Mock: capacity of each namespace (default ${DEFAULT-VALUE}; RAM is used only where written).")
    public long mockCapacity = 1L << 30;

    @Option(names = "--mock-lba-size", paramLabel = "BYTES", defaultValue = "4096",
            description = "Mock: logical block size, 512 or 4096 (default ${DEFAULT-VALUE}).")
    public int mockLbaSize = 4096;

    @Option(names = "--mock-metadata", paramLabel = "MS[,extended][,pi=1|2|3][,first]",
            description = "Mock: metadata bytes per block (a multiple of 8), interleaved with the data (extended) or "
                    + "in a separate buffer, with protection information of a type in its last (or first) 8 bytes "
                    + "(default: no metadata).")
    public String mockMetadata;

    @Option(names = "--mock-namespaces", paramLabel = "N", defaultValue = "1",
            description = "Mock: number of namespaces (default ${DEFAULT-VALUE}).")
    public int mockNamespaces = 1;

    @Option(names = "--mock-backing", paramLabel = "ram|file|null|none", converter = Backing.Converter.class,
            defaultValue = "ram", description = "Mock: backing store: ram, file (--mock-file), null "
            + "(discards writes, reads zeroes) or none (moves no data: reads leave the buffer as it is; "
            + "measures the driver) (default ${DEFAULT-VALUE}).")
    public Backing mockBacking = Backing.RAM;

    @Option(names = "--mock-file", paramLabel = "PATH", description = "Mock: the file behind --mock-backing=file.")
    public String mockFile;

    @Option(names = "--mock-exec", paramLabel = "deterministic|threaded", converter = Execution.Converter.class,
            description = "Mock: execute commands inside the host's doorbell write (deterministic; the default) or "
                    + "on a device thread (threaded; the default with --mock-latency or --fault-delay).")
    public Execution mockExecution;

    @Option(names = "--mock-latency", paramLabel = "TIME", converter = TimeSpec.class, defaultValue = "0",
            description = "Mock: latency added to every command, e.g. 20us (default none).")
    public Duration mockLatency = Duration.ZERO;

    @Option(names = "--fault-drop-interrupts", paramLabel = "P",
            description = "Mock fault: probability (0-1) that a completion's interrupt is not raised.")
    public double dropInterrupts;

    @Option(names = "--fault-lost-doorbells", paramLabel = "P",
            description = "Mock fault: probability (0-1) that an SQ tail doorbell write is lost.")
    public double lostDoorbells;

    @Option(names = "--fault-delay", paramLabel = "TIME", converter = TimeSpec.class, defaultValue = "0",
            description = "Mock fault: extra delay for delayed commands, e.g. 5ms (see --fault-delay-rate).")
    public Duration faultDelay = Duration.ZERO;

    @Option(names = "--fault-delay-rate", paramLabel = "P", defaultValue = "1",
            description = "Mock fault: probability (0-1) that a command gets --fault-delay (default ${DEFAULT-VALUE}).")
    public double faultDelayRate = 1;

    @Option(names = "--fault-media-errors", paramLabel = "P",
            description = "Mock fault: probability (0-1) that an I/O command completes with Unrecovered Read "
                    + "Error (DNR) instead of executing.")
    public double mediaErrors;

    @Option(names = "--fault-corrupt-lba", paramLabel = "LBA", split = ",",
            description = "Mock fault: flip a byte in the data returned by reads of this LBA (repeatable).")
    public List<Long> corruptLbas = new ArrayList<>();

    /** True when the device is the embedded mock controller. */
    public boolean isMock() {
        return MOCK.equalsIgnoreCase(device);
    }

    /** True when any mock fault is configured. */
    public boolean anyFault() {
        return dropInterrupts > 0 || lostDoorbells > 0 || !faultDelay.isZero() || !corruptLbas.isEmpty()
                || mediaErrors > 0;
    }
}
