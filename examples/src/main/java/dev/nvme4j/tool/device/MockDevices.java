package dev.nvme4j.tool.device;

import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.Nvme;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.mock.config.FaultInjector;
import dev.nvme4j.mock.config.FaultMatch;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.MockController;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.tool.cli.ToolException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Builds the embedded mock controller from the {@code --mock-*} options, brings it up through
 * the driver and installs the {@code --fault-*} faults on the I/O queues (not on the admin
 * queue, so that bring-up and queue creation stay fast).
 *
 * <p>Execution: deterministic (the device works inside the doorbell write; cheapest on CPU)
 * unless a latency or a delay fault asks for time to pass, then threaded, unless
 * {@code --mock-exec} says otherwise.
 */
public final class MockDevices {
    /** Seed of the probabilistic faults, fixed so that runs repeat. */
    static final long FAULT_SEED = 0x4E564D45L;
    /** NN of the mock: namespaces up to this NSID can be created (create-ns). */
    static final int MOCK_NN = 16;

    private MockDevices() {
    }

    /** The mock configuration the options describe. */
    public static MockConfig config(DeviceOptions d, int ioQueuePairs) {
        if (d.mockLbaSize != 512 && d.mockLbaSize != 4096) {
            throw ToolException.usage("Invalid value for option '--mock-lba-size': expected 512 or 4096 but was "
                    + d.mockLbaSize);
        }
        if (d.mockCapacity < d.mockLbaSize || d.mockCapacity % d.mockLbaSize != 0) {
            throw ToolException.usage("Invalid value for option '--mock-capacity': must be a positive multiple of "
                    + "the LBA size (" + d.mockLbaSize + ") but was " + d.mockCapacity);
        }
        if (d.mockNamespaces < 1 || d.mockNamespaces > 16) {
            throw ToolException.usage("Invalid value for option '--mock-namespaces': must be between 1 and 16 "
                    + "but was " + d.mockNamespaces);
        }
        probability("--fault-drop-interrupts", d.dropInterrupts);
        probability("--fault-lost-doorbells", d.lostDoorbells);
        probability("--fault-delay-rate", d.faultDelayRate);
        probability("--fault-media-errors", d.mediaErrors);
        long blocks = d.mockCapacity / d.mockLbaSize;
        for (long lba : d.corruptLbas) {
            if (lba < 0) {
                throw ToolException.usage("Invalid value for option '--fault-corrupt-lba': must be 0 or more but was "
                        + lba);
            }
            if (lba >= blocks) {
                throw ToolException.usage("Invalid value for option '--fault-corrupt-lba': LBA " + lba + " is beyond "
                        + "the mock's namespaces (" + blocks + " blocks of " + d.mockLbaSize + " bytes, see "
                        + "--mock-capacity)");
            }
        }
        // NN above the namespaces configured: room for create-ns (the mock has a capacity pool).
        MockConfig.Builder b = MockConfig.builder().maxIoQueuePairs(Math.max(ioQueuePairs, 1))
                .nn(Math.max(d.mockNamespaces, MOCK_NN));
        for (int i = 0; i < d.mockNamespaces; i++) {
            b.namespace(withMetadata(d.mockMetadata, switch (d.mockBacking) {
                case RAM -> NamespaceConfig.ram(blocks, d.mockLbaSize);
                case NULL -> NamespaceConfig.nullStore(blocks, d.mockLbaSize);
                case NONE -> NamespaceConfig.noData(blocks, d.mockLbaSize);
                case FILE -> {
                    if (d.mockFile == null) {
                        throw ToolException.usage("--mock-backing=file needs --mock-file=PATH");
                    }
                    yield NamespaceConfig.file(usableFile(d.mockFile + (d.mockNamespaces > 1 ? "." + (i + 1) : "")),
                            blocks, d.mockLbaSize);
                }
            }));
        }
        DeviceOptions.Execution exec = d.mockExecution;
        if (exec == null) {
            exec = !d.mockLatency.isZero() || !d.faultDelay.isZero()
                    ? DeviceOptions.Execution.THREADED : DeviceOptions.Execution.DETERMINISTIC;
        }
        b.mode(exec == DeviceOptions.Execution.THREADED ? ExecutionMode.THREADED : ExecutionMode.DETERMINISTIC);
        b.commandLatency(d.mockLatency);
        b.shadowDoorbells(d.shadowDoorbells == DeviceOptions.OnOff.ON);
        if (d.cmb == DeviceOptions.OnOff.ON) {
            b.cmbSize(16L << 20);
        }
        return b.build();
    }

    /** {@code --mock-metadata=MS[,extended][,pi=T][,first]} applied to a namespace. */
    static NamespaceConfig withMetadata(String spec, NamespaceConfig ns) {
        if (spec == null) {
            return ns;
        }
        String[] parts = spec.split(",");
        boolean extended = false;
        boolean first = false;
        int type = 0;
        int ms;
        try {
            ms = Integer.parseInt(parts[0].trim());
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].trim();
                if (p.equals("extended")) {
                    extended = true;
                } else if (p.equals("first")) {
                    first = true;
                } else if (p.startsWith("pi=")) {
                    type = Integer.parseInt(p.substring(3));
                } else {
                    throw ToolException.usage("Invalid value for option '--mock-metadata': unknown part '" + p
                            + "' (expected extended, pi=1|2|3 or first)");
                }
            }
            return ns.withMetadata(ms, extended).withProtection(type, first);
        } catch (NumberFormatException e) {
            throw ToolException.usage("Invalid value for option '--mock-metadata': '" + spec
                    + "' is not MS[,extended][,pi=1|2|3][,first], e.g. 8,pi=1");
        } catch (IllegalArgumentException e) {
            throw ToolException.usage("Invalid value for option '--mock-metadata': " + e.getMessage());
        }
    }

    /** The path of a namespace file, when it can be one: an existing file or device, or a new file in a directory. */
    private static Path usableFile(String name) {
        Path p;
        try {
            p = Path.of(name);
        } catch (InvalidPathException e) {
            throw ToolException.usage("Invalid value for option '--mock-file': " + e.getMessage());
        }
        if (Files.isDirectory(p)) {
            throw ToolException.usage("Invalid value for option '--mock-file': " + p + " is a directory; name a file "
                    + "in it (it is created when missing)");
        }
        Path dir = p.toAbsolutePath().getParent();
        if (!Files.exists(p) && dir != null && !Files.isDirectory(dir)) {
            throw ToolException.usage("Invalid value for option '--mock-file': directory " + dir + " does not exist");
        }
        return p;
    }

    private static void probability(String option, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw ToolException.usage("Invalid value for option '" + option + "': must be between 0 and 1 but was " + p);
        }
    }

    /** Creates the mock, opens it through the driver and installs the faults. */
    public static Controller open(DeviceOptions d, ControllerOptions options) {
        MockConfig config = config(d, options.maxIoQueuePairs());
        MockController mock;
        try {
            mock = Nvme.createMock(config);
        } catch (UncheckedIOException e) {
            throw new ToolException("cannot create the mock controller: " + e.getMessage(), ToolException.FAILURE, e);
        }
        Controller controller;
        try {
            controller = openDriver(mock, options);
        } catch (NvmeException | IllegalStateException e) {
            mock.close();
            throw new ToolException("cannot open the mock controller: " + e.getMessage(), ToolException.FAILURE, e);
        }
        installFaults(d, mock.faults(), controller.info().ioQueuePairsGranted(), d.mockNamespaces);
        return new OwningController(controller, mock);
    }

    private static Controller openDriver(MockController mock, ControllerOptions options) {
        return Nvme.open(mock, options);
    }

    static void installFaults(DeviceOptions d, FaultInjector faults, int ioQueues, int namespaces) {
        for (int q = 1; q <= Math.max(1, ioQueues); q++) {
            FaultMatch onQueue = FaultMatch.any().queue(q);
            if (d.dropInterrupts > 0) {
                faults.dropInterrupts(onQueue.probability(d.dropInterrupts, FAULT_SEED + q));
            }
            if (d.lostDoorbells > 0) {
                faults.ignoreSqDoorbell(onQueue.probability(d.lostDoorbells, FAULT_SEED + 2L * q));
            }
            if (d.mediaErrors > 0) {
                faults.completeWithStatus(onQueue.probability(d.mediaErrors, FAULT_SEED + 4L * q),
                        NvmeStatus.UNRECOVERED_READ_ERROR.code(true));
            }
            if (!d.faultDelay.isZero()) {
                faults.delayCompletions(onQueue.probability(d.faultDelayRate, FAULT_SEED + 3L * q), d.faultDelay);
            }
        }
        for (long lba : d.corruptLbas) {
            for (int ns = 1; ns <= namespaces; ns++) {
                faults.corruptReadAt(ns, lba);
            }
        }
    }
}
