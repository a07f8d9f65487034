package dev.nvme4j.ctrl;

import dev.nvme4j.api.ControllerInfo;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.device.InterruptVector;
import dev.nvme4j.device.PciFunction;
import dev.nvme4j.device.RegisterSpace;
import dev.nvme4j.dma.DmaAllocator;

/**
 * What bring-up ({@link Startup}) built, in the order it built it: the context each part of the
 * controller is given once at construction and copies what it uses from into final fields.
 * Nothing in it is replaced later: state that changes (the namespace table, the shadow doorbell
 * pages, the life-cycle state) lives inside the part that owns it.
 *
 * @param adminMemory the admin queue's rings and PRP area, freed at close
 * @param ioQueues    allocates the memory of I/O queues (sized for the negotiated transfer size)
 * @param vectors     the enabled MSI-X vectors; vector 0 belongs to the admin queue (empty: polled only)
 */
record ControllerParts(String address, PciFunction pci, boolean ownsFunction, RegisterSpace regs, DmaAllocator dma,
                       ControllerOptions options, long adminTimeoutNanos, BringUp bringUp, Health health,
                       ControllerStats stats, FeatureRecord features, AdminQueue admin, QueueFactory.Built adminMemory,
                       AdminOps adminOps, Identification.Identified identity, NamespaceRescan namespaces,
                       ShadowDoorbellSetup shadow, QueueFactory ioQueues, InterruptVector[] vectors) {

    ControllerInfo info() {
        return identity.info();
    }

    long ioTimeoutNanos() {
        return options.ioTimeout().toNanos();
    }
}
