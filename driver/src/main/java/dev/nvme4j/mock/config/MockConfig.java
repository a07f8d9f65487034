package dev.nvme4j.mock.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Configuration of a mock controller: namespaces, capability fields (CAP, Identify Controller),
 * interrupt resources, identity strings, timing and execution mode. Immutable; build with
 * {@link #builder()}. Defaults describe a small, well-behaved controller: one 1 GiB RAM
 * namespace of 512-byte blocks, MQES 1023, 4 KiB to 64 KiB pages, MDTS 128 KiB, 64 I/O queue
 * pairs, 65 MSI-X vectors, no delays, deterministic execution.
 */
public final class MockConfig {
    private final List<NamespaceConfig> namespaces;
    private final int mqes;
    private final boolean cqr;
    private final int timeout;
    private final int dstrd;
    private final int css;
    private final int mpsmin;
    private final int mpsmax;
    private final int mdts;
    private final int nn;
    private final int oncs;
    private final int vwc;
    private final int sgls;
    private final int aerl;
    private final int acl;
    private final int msixVectors;
    private final boolean deviceInterrupts;
    private final int maxIoQueuePairs;
    private final int vid;
    private final String serialNumber;
    private final String modelNumber;
    private final String firmwareRevision;
    private final Duration enableDelay;
    private final Duration disableDelay;
    private final Duration shutdownDelay;
    private final ExecutionMode mode;
    private final Duration commandLatency;
    private final boolean runOnDoorbell;
    private final boolean shadowDoorbells;
    private final long cmbSize;
    private final boolean cmbSubmissionQueues;
    private final boolean cmbRefusesAddress;
    private final int oacs;
    private final LongSupplier clock;

    private MockConfig(Builder b) {
        this.namespaces = List.copyOf(b.namespaces.isEmpty()
                ? List.of(NamespaceConfig.ram(2L * 1024 * 1024, 512)) : b.namespaces);
        this.mqes = b.mqes;
        this.cqr = b.cqr;
        this.timeout = b.timeout;
        this.dstrd = b.dstrd;
        this.css = b.css;
        this.mpsmin = b.mpsmin;
        this.mpsmax = b.mpsmax;
        this.mdts = b.mdts;
        this.nn = b.nn < 0 ? namespaces.size() : b.nn;
        this.oncs = b.oncs;
        this.vwc = b.vwc;
        this.sgls = b.sgls;
        this.aerl = b.aerl;
        this.acl = b.acl;
        this.msixVectors = b.msixVectors;
        this.deviceInterrupts = b.deviceInterrupts;
        this.maxIoQueuePairs = b.maxIoQueuePairs;
        this.vid = b.vid;
        this.serialNumber = b.serialNumber;
        this.modelNumber = b.modelNumber;
        this.firmwareRevision = b.firmwareRevision;
        this.enableDelay = b.enableDelay;
        this.disableDelay = b.disableDelay;
        this.shutdownDelay = b.shutdownDelay;
        this.mode = b.mode;
        this.commandLatency = b.commandLatency;
        this.runOnDoorbell = b.runOnDoorbell;
        this.shadowDoorbells = b.shadowDoorbells;
        this.cmbSize = b.cmbSize;
        this.cmbSubmissionQueues = b.cmbSubmissionQueues;
        this.cmbRefusesAddress = b.cmbRefusesAddress;
        this.oacs = b.oacs;
        this.clock = b.clock;
        if (nn < namespaces.size()) {
            throw new IllegalArgumentException("nn (" + nn + ") below the number of namespaces (" + namespaces.size() + ")");
        }
        if (mpsmin > mpsmax) {
            throw new IllegalArgumentException("mpsmin > mpsmax");
        }
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults. */
    public static MockConfig defaults() {
        return builder().build();
    }

    /** Namespaces; namespace i has NSID i + 1. */
    public List<NamespaceConfig> namespaces() { return namespaces; }
    /** CAP.MQES: maximum queue entries, zero-based. */
    public int mqes() { return mqes; }
    /** CAP.CQR: contiguous queues required. */
    public boolean cqr() { return cqr; }
    /** CAP.TO in 500 ms units. */
    public int timeout() { return timeout; }
    /** CAP.DSTRD: doorbell stride is 4 &lt;&lt; DSTRD bytes. */
    public int dstrd() { return dstrd; }
    /** CAP.CSS: command sets supported bit mask. */
    public int css() { return css; }
    /** CAP.MPSMIN. */
    public int mpsmin() { return mpsmin; }
    /** CAP.MPSMAX. */
    public int mpsmax() { return mpsmax; }
    /** Identify Controller MDTS (power of two in units of the minimum page size; 0 = no limit). */
    public int mdts() { return mdts; }
    /** Identify Controller NN: the highest NSID. */
    public int nn() { return nn; }
    /** Identify Controller ONCS. */
    public int oncs() { return oncs; }
    /**
     * Identify Controller OACS bits 4:1, the optional admin commands the mock offers: Format NVM
     * (bit 1), firmware download and commit (2), namespace management and attachment (3), device
     * self-test (4); the others are Invalid Command Opcode. Bit 8 follows {@link #shadowDoorbells()}.
     */
    public int oacs() { return oacs; }
    /** Identify Controller VWC. */
    public int vwc() { return vwc; }
    /** Identify Controller SGLS: 0 (no SGLs, the default) or 1 (SGLs without alignment rules, as QEMU). */
    public int sgls() { return sgls; }
    /** Identify Controller AERL (zero-based). */
    public int aerl() { return aerl; }
    /** Identify Controller ACL (zero-based). */
    public int acl() { return acl; }
    /** Number of MSI-X vectors the function offers. */
    public int msixVectors() { return msixVectors; }
    /** Whether the function offers the device request and error interrupts (as vfio-pci does). */
    public boolean deviceInterrupts() { return deviceInterrupts; }
    /** Maximum I/O submission (and completion) queues the controller allocates. */
    public int maxIoQueuePairs() { return maxIoQueuePairs; }
    /** PCI vendor id reported in Identify Controller VID and SSVID. */
    public int vid() { return vid; }
    /** Identify Controller SN. */
    public String serialNumber() { return serialNumber; }
    /** Identify Controller MN. */
    public String modelNumber() { return modelNumber; }
    /** Identify Controller FR. */
    public String firmwareRevision() { return firmwareRevision; }
    /** Delay from CC.EN 0-to-1 to CSTS.RDY 1. */
    public Duration enableDelay() { return enableDelay; }
    /** Delay from CC.EN 1-to-0 to CSTS.RDY 0. */
    public Duration disableDelay() { return disableDelay; }
    /** Delay from CC.SHN set to CSTS.SHST complete. */
    public Duration shutdownDelay() { return shutdownDelay; }
    /** Execution mode. */
    public ExecutionMode mode() { return mode; }
    /** Per-command latency in threaded mode. */
    public Duration commandLatency() { return commandLatency; }
    /** In deterministic mode, whether doorbell writes run the device synchronously. */
    public boolean runOnDoorbell() { return runOnDoorbell; }

    /** Offer Doorbell Buffer Config (OACS bit 8, shadow doorbells and EventIdx); default off. */
    public boolean shadowDoorbells() { return shadowDoorbells; }
    /** Size of the Controller Memory Buffer in BAR2 (0: none, the default). */
    public long cmbSize() { return cmbSize; }
    /** Whether the CMB may hold submission queues (CMBSZ.SQS; default true). */
    public boolean cmbSubmissionQueues() { return cmbSubmissionQueues; }
    /** Whether the mock refuses every CMBMSC.CBA the host writes (CMBSTS.CBAI; default false). */
    public boolean cmbRefusesAddress() { return cmbRefusesAddress; }
    /** The nanosecond clock delays are measured with. */
    public LongSupplier clock() { return clock; }

    /** Builder of {@link MockConfig}; not thread-safe. */
    public static final class Builder {
        private final List<NamespaceConfig> namespaces = new ArrayList<>();
        private int mqes = 1023;
        private boolean cqr = true;
        private int timeout = 20;
        private int dstrd = 0;
        private int css = 0x01;
        private int mpsmin = 0;
        private int mpsmax = 4;
        private int mdts = 5;
        private int nn = -1;
        private int oncs = 0x0C;
        private int vwc = 0x01;
        private int sgls = 0;
        private int aerl = 3;
        private int acl = 3;
        private int msixVectors = 65;
        private boolean deviceInterrupts = true;
        private int maxIoQueuePairs = 64;
        private int vid = 0x4E56;
        private String serialNumber = "NVME4J-MOCK-0001";
        private String modelNumber = "nvme4j mock controller";
        private String firmwareRevision = "1.0";
        private Duration enableDelay = Duration.ZERO;
        private Duration disableDelay = Duration.ZERO;
        private Duration shutdownDelay = Duration.ZERO;
        private ExecutionMode mode = ExecutionMode.DETERMINISTIC;
        private Duration commandLatency = Duration.ZERO;
        private boolean runOnDoorbell = true;
        private boolean shadowDoorbells;
        private long cmbSize;
        private boolean cmbSubmissionQueues = true;
        private boolean cmbRefusesAddress;
        private int oacs = 0x1E;
        private LongSupplier clock = System::nanoTime;

        private Builder() {
        }

        /** Adds a namespace (NSIDs are assigned 1, 2, ... in order). Without any, one 1 GiB RAM namespace. */
        public Builder namespace(NamespaceConfig ns) {
            namespaces.add(Objects.requireNonNull(ns, "ns"));
            return this;
        }

        /** CAP.MQES, zero-based, 1..65535. */
        public Builder mqes(int v) { this.mqes = range("mqes", v, 1, 0xFFFF); return this; }
        /** CAP.CQR. */
        public Builder cqr(boolean v) { this.cqr = v; return this; }
        /** CAP.TO, 500 ms units, 1..255. */
        public Builder timeout(int v) { this.timeout = range("timeout", v, 1, 255); return this; }
        /** CAP.DSTRD, 0..15. */
        public Builder dstrd(int v) { this.dstrd = range("dstrd", v, 0, 15); return this; }
        /** CAP.CSS bit mask; bit 0 (NVM command set) is what the mock implements. */
        public Builder css(int v) { this.css = range("css", v, 0, 0xFF); return this; }
        /** CAP.MPSMIN, 0..15 (page size 2^(12 + MPSMIN)). */
        public Builder mpsmin(int v) { this.mpsmin = range("mpsmin", v, 0, 15); return this; }
        /** CAP.MPSMAX, 0..15. */
        public Builder mpsmax(int v) { this.mpsmax = range("mpsmax", v, 0, 15); return this; }
        /** MDTS, 0 (no limit) to 15. */
        public Builder mdts(int v) { this.mdts = range("mdts", v, 0, 15); return this; }
        /** NN, at least the number of namespaces; NSIDs above the namespaces are inactive. */
        public Builder nn(int v) { this.nn = range("nn", v, 1, Integer.MAX_VALUE); return this; }
        /** OACS bits 4:1 (default 0x1e: Format NVM, firmware, namespace management, self-test); see {@link MockConfig#oacs()}. */
        public Builder oacs(int v) {
            if ((v & ~0x1E) != 0) {
                throw new IllegalArgumentException("oacs takes bits 4:1 (mask 0x1e), got 0x" + Integer.toHexString(v));
            }
            this.oacs = v;
            return this;
        }
        /** ONCS bit mask (bit 2 Dataset Management, bit 3 Write Zeroes). */
        public Builder oncs(int v) { this.oncs = range("oncs", v, 0, 0xFFFF); return this; }
        /** VWC (bit 0: a volatile write cache is present). */
        public Builder vwc(int v) { this.vwc = range("vwc", v, 0, 0xFF); return this; }
        /**
         * SGLS bits 1:0: 0 no SGL support, 1 SGLs (Data Block, Segment and Last Segment descriptors,
         * no alignment rule), 2 SGLs whose data blocks must be dword aligned.
         */
        public Builder sgls(int v) { this.sgls = range("sgls", v, 0, 2); return this; }
        /** AERL, zero-based. */
        public Builder aerl(int v) { this.aerl = range("aerl", v, 0, 255); return this; }
        /** ACL, zero-based. */
        public Builder acl(int v) { this.acl = range("acl", v, 0, 255); return this; }
        /** Number of MSI-X vectors, 1..2048. */
        public Builder msixVectors(int v) { this.msixVectors = range("msixVectors", v, 1, 2048); return this; }
        /**
         * Whether the function offers the device request and error interrupts (default true, as
         * vfio-pci); without them {@link FaultInjector#requestRemoval()} reaches nobody.
         */
        public Builder deviceInterrupts(boolean v) { this.deviceInterrupts = v; return this; }
        /** Maximum I/O queue pairs, 1..65535. */
        public Builder maxIoQueuePairs(int v) { this.maxIoQueuePairs = range("maxIoQueuePairs", v, 1, 0xFFFF); return this; }
        /** PCI vendor id. */
        public Builder vid(int v) { this.vid = range("vid", v, 0, 0xFFFF); return this; }
        /** Serial number, at most 20 ASCII characters. */
        public Builder serialNumber(String v) { this.serialNumber = ascii("serialNumber", v, 20); return this; }
        /** Model number, at most 40 ASCII characters. */
        public Builder modelNumber(String v) { this.modelNumber = ascii("modelNumber", v, 40); return this; }
        /** Firmware revision, at most 8 ASCII characters. */
        public Builder firmwareRevision(String v) { this.firmwareRevision = ascii("firmwareRevision", v, 8); return this; }
        /** Delay from CC.EN 0-to-1 to CSTS.RDY. */
        public Builder enableDelay(Duration d) { this.enableDelay = nonNegative(d); return this; }
        /** Delay from CC.EN 1-to-0 to CSTS.RDY cleared. */
        public Builder disableDelay(Duration d) { this.disableDelay = nonNegative(d); return this; }
        /** Delay from CC.SHN to CSTS.SHST complete. */
        public Builder shutdownDelay(Duration d) { this.shutdownDelay = nonNegative(d); return this; }
        /** Execution mode. */
        public Builder mode(ExecutionMode m) { this.mode = Objects.requireNonNull(m, "mode"); return this; }
        /** Per-command latency in threaded mode. */
        public Builder commandLatency(Duration d) { this.commandLatency = nonNegative(d); return this; }
        /** Deterministic mode: run the device inside doorbell writes (default) or only on step()/runUntilIdle(). */
        public Builder runOnDoorbell(boolean v) { this.runOnDoorbell = v; return this; }

        public Builder shadowDoorbells(boolean v) { this.shadowDoorbells = v; return this; }
        /** A Controller Memory Buffer of {@code bytes} in BAR2 (NVMe 1.4 CMBMSC style): 0 (none) or 4 KiB..1 GiB in 4 KiB steps. */
        public Builder cmbSize(long bytes) {
            if (bytes != 0 && (bytes < 4096 || bytes > 1L << 30 || bytes % 4096 != 0)) {
                throw new IllegalArgumentException("cmbSize must be 0 or 4 KiB..1 GiB in 4 KiB steps, got " + bytes);
            }
            this.cmbSize = bytes;
            return this;
        }
        /** See {@link MockConfig#cmbSubmissionQueues()}. */
        public Builder cmbSubmissionQueues(boolean v) { this.cmbSubmissionQueues = v; return this; }
        /** See {@link MockConfig#cmbRefusesAddress()}. */
        public Builder cmbRefusesAddress(boolean v) { this.cmbRefusesAddress = v; return this; }
        /** The nanosecond clock for delays (a test can pass a fake one); default System::nanoTime. */
        public Builder clock(LongSupplier c) { this.clock = Objects.requireNonNull(c, "clock"); return this; }

        /** Builds the configuration. */
        public MockConfig build() {
            return new MockConfig(this);
        }

        private static int range(String name, int v, int min, int max) {
            if (v < min || v > max) {
                throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "]: " + v);
            }
            return v;
        }

        private static String ascii(String name, String v, int max) {
            Objects.requireNonNull(v, name);
            if (v.length() > max || !v.chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
                throw new IllegalArgumentException(name + " must be at most " + max + " printable ASCII characters: " + v);
            }
            return v;
        }

        private static Duration nonNegative(Duration d) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("negative duration: " + d);
            }
            return d;
        }
    }
}
