package dev.nvme4j.ctrl;

import dev.nvme4j.api.ControllerInfo;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.device.InterruptVector;
import dev.nvme4j.device.PciFunction;
import dev.nvme4j.device.RegisterSpace;
import dev.nvme4j.dma.DmaAllocator;
import dev.nvme4j.dma.DmaException;
import dev.nvme4j.spec.NvmeRegs;
import java.util.Objects;

/**
 * Bring-up (Base 3.5.1) up to the point where every part of the controller exists: disable,
 * the admin queue, enable, Identify Controller and the active namespaces, Number of Queues,
 * Advanced Command Retry, shadow doorbells, the I/O queue memory factory and the MSI-X vectors.
 * If a step fails, what was taken is given back and the failure rethrown. Nothing is started
 * here: {@link NvmeController} starts its threads once it is built.
 */
final class Startup {
    private final PciFunction pci;
    private final ControllerOptions options;
    private final boolean ownsFunction;
    private final String address;
    private final RegisterSpace regs;
    private final BringUp bringUp;
    private final DmaAllocator dma;
    private final QueueFactory adminQueues;
    /** Set as bring-up gets that far; what {@link #release()} gives back. */
    private QueueFactory.Built adminMemory;
    private ShadowDoorbellSetup shadow;
    private ControllerMemoryBuffer cmb;

    private Startup(PciFunction pci, ControllerOptions options, boolean ownsFunction) {
        this.pci = Objects.requireNonNull(pci, "pci");
        this.options = Objects.requireNonNull(options, "options");
        this.ownsFunction = ownsFunction;
        this.address = pci.address();
        this.regs = pci.registers();
        this.bringUp = new BringUp(regs, address);
        long cap = bringUp.cap();
        this.dma = new PageAlignedDma(pci.dma(), 4096L << NvmeRegs.capMpsmin(cap));
        this.adminQueues = new QueueFactory(dma, regs, NvmeRegs.capDstrd(cap), pageSize(),
                Identification.ADMIN_MAX_TRANSFER, pci.fabricsLink());
    }

    /**
     * Brings up the controller behind {@code pci} and builds its parts.
     *
     * @throws NvmeException naming the step that failed and why (also when DMA memory ran out)
     */
    static ControllerParts run(PciFunction pci, ControllerOptions options, boolean ownsFunction) {
        Startup s = new Startup(pci, options, ownsFunction);
        try {
            return s.build();
        } catch (DmaException e) {
            s.release();
            throw new NvmeException(s.address + ": bring-up could not allocate the DMA memory it needs: "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            s.release();
            throw e;
        }
    }

    private int pageSize() {
        return 4096 << NvmeRegs.capMpsmin(bringUp.cap());
    }

    private ControllerParts build() {
        long cap = bringUp.cap();
        int pageSize = pageSize();
        int dstrd = NvmeRegs.capDstrd(cap);
        int depth = Math.min(options.adminQueueDepth(), NvmeRegs.capMqes(cap) + 1);
        long adminTimeoutNanos = options.adminTimeout().toNanos();
        Health health = new Health();
        ControllerStats stats = new ControllerStats();
        FeatureRecord features = new FeatureRecord(address, stats);
        bringUp.disable();
        cmb = ControllerMemoryBuffer.setUp(address, pci, cap, options.cmbSubmissionQueues(), pageSize);
        adminMemory = adminQueues.build(0, depth);
        bringUp.configureAdminQueues(depth, adminMemory.queue().sqRegion().iova(),
                adminMemory.queue().cqRegion().iova());
        bringUp.enable();
        AdminQueue admin = new AdminQueue(adminMemory.queue(), pageSize);
        AdminOps ops = new AdminOps(address, admin, dma, adminTimeoutNanos, health, features);
        Identification id = new Identification(ops, cap, regs.read32(NvmeRegs.VS), pageSize);
        Identification.Identified identity = id.identifyController();
        int nn = identity.info().namespaceCount();
        NamespaceTable table = new NamespaceTable(id.activeNamespaces(nn));
        identity = identity.withGrantedQueues(id.negotiateQueues(options.maxIoQueuePairs()));
        ControllerInfo info = identity.info();
        admin.abortLimit(info.abortCommandLimit());
        identity.retryDelays().enable(address, ops, (buf, fid) -> admin.execute(AdminCommands.setFeatures(fid, 0), buf,
                -1, adminTimeoutNanos));
        shadow = new ShadowDoorbellSetup(address, admin, dma, adminTimeoutNanos);
        shadow.setUp(options.shadowDoorbells(), info.oacs(), pageSize, dstrd);
        QueueFactory ioQueues = new QueueFactory(dma, regs, dstrd, pageSize, info.maxTransferBytes(),
                pci.fabricsLink(), cmb);
        InterruptVector[] vectors = enableInterrupts(info);
        return new ControllerParts(address, pci, ownsFunction, regs, dma, options, adminTimeoutNanos, bringUp, health,
                stats, features, admin, adminMemory, ops, identity,
                new NamespaceRescan(address, id, stats, nn, table), shadow, ioQueues, vectors);
    }

    /** One vector for the admin queue and one per granted I/O queue pair, as far as the function has them. */
    private InterruptVector[] enableInterrupts(ControllerInfo info) {
        int available = pci.msixVectorCount();
        return available > 0 ? pci.enableMsix(Math.min(available, info.ioQueuePairsGranted() + 1))
                : new InterruptVector[0];
    }

    private void release() {
        Teardown.releaseAfterFailedOpen(address, bringUp, pci, ownsFunction, () -> {
            if (adminMemory != null) {
                adminQueues.free(adminMemory);
            }
            if (shadow != null) {
                shadow.release();
            }
            if (cmb != null) {
                cmb.close();
            }
        });
    }
}
