package dev.nvme4j.ctrl;

import dev.nvme4j.api.Confirm;
import dev.nvme4j.api.ControllerInfo;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.Management;
import dev.nvme4j.api.NamespaceChanges;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.api.OptionalCommand;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.api.Status;
import dev.nvme4j.spec.AdminFields;
import dev.nvme4j.spec.IdentifyLayout;
import dev.nvme4j.spec.LogPageLayout;
import dev.nvme4j.spec.ManagementFields;
import dev.nvme4j.spec.NvmeRegs;
import dev.nvme4j.spec.Opcodes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@link Management} of an {@link NvmeController}: each operation checks the Identify Controller
 * field that says the controller supports it, the destructive ones their confirmation and that
 * no I/O queue pair is open (and no pair is created until they return: {@link QueuePairs#withNoPairOpen}),
 * then sends the admin command through the controller's admin queue.
 */
final class ManagementOps implements Management {
    private final AdminOps admin;
    private final Health health;
    private final QueuePairs pairs;
    private final ControllerInfo info;
    /** The controller's CAP register (boot partition support). */
    private final long cap;
    private final NamespaceRescan namespaces;
    /** Identifies the namespaces again, as {@link dev.nvme4j.api.Controller#rescanNamespaces()} does. */
    private final Supplier<NamespaceChanges> rescan;

    ManagementOps(ControllerParts p, QueuePairs pairs, Supplier<NamespaceChanges> rescan) {
        this.admin = p.adminOps();
        this.health = p.health();
        this.info = p.info();
        this.cap = p.bringUp().cap();
        this.namespaces = p.namespaces();
        this.pairs = pairs;
        this.rescan = rescan;
    }

    @Override
    public NamespaceChanges format(int nsid, FormatRequest request, java.time.Duration timeout, Confirm confirm) {
        ManagementChecks.timeout("format", timeout);
        String what = "Format NVM of namespace " + ManagementChecks.nsidText(nsid);
        Confirm.require(confirm, what);
        requireBit(OptionalCommand.FORMAT_NVM);
        NamespaceTable table = namespaces.table();
        int probe = nsid == AdminCommands.NSID_ALL && !table.list().isEmpty() ? table.list().getFirst().nsid() : nsid;
        Namespace ns = table.get(probe);
        if (ns == null) {
            throw new IllegalArgumentException("namespace " + ManagementChecks.nsidText(probe) + " is not active; active namespaces: "
                    + table.describeActive() + " (nothing was sent to the device)");
        }
        int nlbaf = identify(Opcodes.CNS_NAMESPACE, probe, 0).get(IdentifyLayout.NS_NLBAF) & 0xFF;
        if (request.lbaFormat() > nlbaf) {
            throw new IllegalArgumentException("LBA format index " + request.lbaFormat() + " is out of range: namespace "
                    + probe + " has LBA formats 0-" + nlbaf + " (nothing was sent to the device)");
        }
        int index = request.lbaFormat();
        int cdw10 = (index & 0xF) | (request.extendedLba() ? 1 << 4 : 0) | request.protectionType() << 5
                | (request.protectionFirst() ? 1 << 8 : 0) | request.secureErase() << 9 | ((index >>> 4) & 0x3) << 12;
        return pairs.withNoPairOpen(what, () -> {
            admin.syncWithin(RawCommand.of(Opcodes.ADMIN_FORMAT_NVM, nsid).withCdw10(cdw10), null, timeout);
            return rescan.get();
        });
    }

    @Override
    public FeatureValue getFeature(int featureId, int nsid, int select, int cdw11, int dataBytes, int uuidIndex) {
        ManagementChecks.feature(featureId, dataBytes);
        ManagementChecks.uuidIndex(uuidIndex);
        if (select < 0 || select > 3) {
            throw new IllegalArgumentException("select is 0 current, 1 default, 2 saved or 3 capabilities, got " + select);
        }
        RawCommand cmd = RawCommand.of(Opcodes.ADMIN_GET_FEATURES, nsid).withCdw10(featureId | select << 8).withCdw11(cdw11)
                .withCdw14(AdminFields.uuidIndexCdw14(uuidIndex));
        if (dataBytes == 0) {
            return new FeatureValue(admin.sync(cmd, null).dw0(), new byte[0]);
        }
        try (DmaBuffer buf = buffer(dataBytes)) {
            int dw0 = admin.sync(cmd, buf).dw0();
            return new FeatureValue(dw0, bytes(buf, dataBytes));
        }
    }

    @Override
    public int setFeature(int featureId, int nsid, int cdw11, int cdw12, boolean save, byte[] data, int uuidIndex) {
        ManagementChecks.feature(featureId, data == null ? 0 : data.length);
        ManagementChecks.uuidIndex(uuidIndex);
        if (data == null && nsid == 0 && !save && cdw12 == 0 && uuidIndex == 0) {
            health.checkAccepting();
            return admin.setRecordedFeature(featureId, cdw11); // set again after every reset
        }
        RawCommand cmd = RawCommand.of(Opcodes.ADMIN_SET_FEATURES, nsid).withCdw10(featureId | (save ? 1 << 31 : 0))
                .withCdw11(cdw11).withCdw12(cdw12).withCdw14(AdminFields.uuidIndexCdw14(uuidIndex));
        return withData(data, buf -> admin.sync(cmd, buf).dw0());
    }

    @Override
    public FirmwareSlots firmwareSlots() {
        return ManagementLogs.firmwareSlots(admin.getLogPage(Opcodes.LOG_FIRMWARE_SLOT, AdminCommands.NSID_ALL, 0,
                LogPageLayout.FW_SIZE));
    }

    @Override
    public void downloadFirmware(byte[] image, long offsetBytes, int pieceBytes) {
        byte[] id = requireBit(OptionalCommand.FIRMWARE_DOWNLOAD);
        if (image.length == 0 || image.length % 4 != 0) {
            throw new IllegalArgumentException("a firmware image is a non-empty multiple of 4 bytes, got " + image.length
                    + " (nothing was sent to the device)");
        }
        if (offsetBytes < 0 || offsetBytes % 4 != 0 || offsetBytes + image.length > 0x4_0000_0000L) {
            throw new IllegalArgumentException("a firmware image offset is a multiple of 4 bytes within 16 GiB, got "
                    + offsetBytes + " (nothing was sent to the device)");
        }
        int fwug = id[IdentifyLayout.CTRL_FWUG] & 0xFF;
        long limit = Math.min(Identification.ADMIN_MAX_TRANSFER, info.maxTransferBytes() > 0
                ? info.maxTransferBytes() : Long.MAX_VALUE);
        if (fwug != 0 && fwug != 0xFF) {
            limit = Math.min(limit, fwug * 4096L);
        }
        if (pieceBytes < 0 || pieceBytes % 4 != 0 || pieceBytes > limit) {
            throw new IllegalArgumentException("firmware download piece must be a multiple of 4 up to " + limit
                    + " bytes (MDTS, FWUG), got " + pieceBytes);
        }
        int piece = pieceBytes == 0 ? (int) limit : pieceBytes;
        for (int off = 0; off < image.length; off += piece) {
            int len = Math.min(piece, image.length - off);
            byte[] part = java.util.Arrays.copyOfRange(image, off, off + len);
            RawCommand cmd = RawCommand.of(Opcodes.ADMIN_FIRMWARE_DOWNLOAD, 0)
                    .withCdw10(ManagementFields.downloadCdw10(len))
                    .withCdw11(ManagementFields.downloadCdw11(offsetBytes + off));
            long at = offsetBytes + off;
            try {
                withData(part, buf -> admin.sync(cmd, buf).dw0());
            } catch (NvmeException e) {
                throw new NvmeException("Firmware Image Download of image bytes " + at + "-" + (at + len - 1) + ": "
                        + e.getMessage(), e.status(), e);
            }
        }
    }

    @Override
    public Activation commitFirmware(int slot, CommitAction action, int bootPartition, Confirm confirm) {
        boolean boot = action == CommitAction.REPLACE_BOOT_PARTITION || action == CommitAction.ACTIVATE_BOOT_PARTITION;
        String what = "Firmware Commit (" + action + ") of " + (boot ? "boot partition " + bootPartition : "slot " + slot);
        Confirm.require(confirm, what);
        byte[] id = requireBit(OptionalCommand.FIRMWARE_COMMIT);
        int frmw = id[IdentifyLayout.CTRL_FRMW] & 0xFF;
        int slots = (frmw >>> IdentifyLayout.FRMW_SLOTS_SHIFT) & 0x7;
        if (bootPartition < 0 || bootPartition > 1) {
            throw new IllegalArgumentException("the boot partition ID is 0 or 1, got " + bootPartition);
        }
        if (boot && !NvmeRegs.capBps(cap)) {
            throw new UnsupportedOperationException("boot partitions are not supported by this controller: CAP.BPS"
                    + " (bit 45) is 0 (CAP = 0x" + Long.toHexString(cap) + ")");
        }
        if (!boot && (slot < 0 || slot > slots)) {
            throw new IllegalArgumentException("firmware slot " + slot + " is out of range: the controller has slots 1-"
                    + slots + " (FRMW = 0x" + Integer.toHexString(frmw) + "), 0 lets it choose");
        }
        if (action == CommitAction.REPLACE_AND_ACTIVATE_NOW && (frmw & IdentifyLayout.FRMW_ACTIVATE_WITHOUT_RESET) == 0) {
            throw new UnsupportedOperationException("activation without a reset is not supported by this controller:"
                    + " Identify Controller FRMW = 0x" + Integer.toHexString(frmw) + ", bit 4 is 0");
        }
        RawCommand cmd = RawCommand.of(Opcodes.ADMIN_FIRMWARE_COMMIT, 0)
                .withCdw10(ManagementFields.commitCdw10(slot, action.code, bootPartition));
        int status = pairs.withNoPairOpen(what, () -> {
            try {
                admin.sync(cmd, null);
                return 0;
            } catch (NvmeException e) {
                if (e.status() < 0) {
                    throw e;
                }
                return e.status();
            }
        });
        NvmeStatus named = NvmeStatus.of(status);
        if (Status.isSuccess(status)) {
            return switch (action) {
                case REPLACE, REPLACE_BOOT_PARTITION -> Activation.NONE;
                case REPLACE_AND_ACTIVATE, ACTIVATE, ACTIVATE_BOOT_PARTITION -> Activation.AT_NEXT_RESET;
                case REPLACE_AND_ACTIVATE_NOW -> Activation.NOW;
            };
        }
        return switch (named) {
            case FIRMWARE_NEEDS_CONVENTIONAL_RESET -> Activation.NEEDS_CONVENTIONAL_RESET;
            case FIRMWARE_NEEDS_SUBSYSTEM_RESET -> Activation.NEEDS_SUBSYSTEM_RESET;
            case FIRMWARE_NEEDS_RESET -> Activation.NEEDS_CONTROLLER_RESET;
            default -> throw NvmeException.forStatus("Firmware Commit", status);
        };
    }

    @Override
    public int createNamespace(NamespaceSpec spec, java.time.Duration timeout) {
        requireBit(OptionalCommand.NAMESPACE_MANAGEMENT);
        byte[] data = new byte[IdentifyLayout.SIZE];
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(IdentifyLayout.NS_NSZE, spec.sizeBlocks());
        b.putLong(IdentifyLayout.NS_NCAP, spec.capacityBlocks());
        data[IdentifyLayout.NS_FLBAS] = (byte) IdentifyLayout.flbas(spec.lbaFormat(), spec.extendedLba());
        data[IdentifyLayout.NS_DPS] = (byte) spec.protection();
        data[IdentifyLayout.NS_NMIC] = (byte) (spec.shared() ? 1 : 0);
        b.putInt(IdentifyLayout.NS_ANAGRPID, spec.anaGroupId());
        b.putShort(IdentifyLayout.NS_NVMSETID, (short) spec.nvmSetId());
        b.putLong(IdentifyLayout.NS_LBSTM, spec.storageTagMask());
        RawCommand cmd = RawCommand.of(Opcodes.ADMIN_NAMESPACE_MANAGEMENT, 0)
                .withCdw10(ManagementFields.NS_MGMT_CREATE).withCdw11(ManagementFields.nsMgmtCdw11(spec.commandSet()));
        return withData(data, buf -> admin.syncWithin(cmd, buf, timeout).dw0());
    }

    @Override
    public void deleteNamespace(int nsid, java.time.Duration timeout, Confirm confirm) {
        String what = "Namespace Management delete of namespace " + ManagementChecks.nsidText(nsid);
        Confirm.require(confirm, what);
        requireBit(OptionalCommand.NAMESPACE_MANAGEMENT);
        if (nsid != AdminCommands.NSID_ALL) {
            requireAllocated(nsid);
        }
        pairs.withNoPairOpen(what, () -> {
            admin.syncWithin(RawCommand.of(Opcodes.ADMIN_NAMESPACE_MANAGEMENT, nsid)
                    .withCdw10(ManagementFields.NS_MGMT_DELETE), null, timeout);
            return rescan.get();
        });
    }

    @Override
    public void attachNamespace(int nsid, List<Integer> controllerIds) {
        attachment(nsid, controllerIds, ManagementFields.NS_ATTACH);
    }

    @Override
    public void detachNamespace(int nsid, List<Integer> controllerIds) {
        attachment(nsid, controllerIds, ManagementFields.NS_DETACH);
    }

    private void attachment(int nsid, List<Integer> controllerIds, int sel) {
        requireBit(OptionalCommand.NAMESPACE_ATTACHMENT);
        requireAllocated(nsid);
        if (controllerIds.isEmpty() || controllerIds.size() > 2047) {
            throw new IllegalArgumentException("a controller list names 1 to 2047 controller IDs, got "
                    + controllerIds.size());
        }
        byte[] list = new byte[IdentifyLayout.SIZE];
        ByteBuffer b = ByteBuffer.wrap(list).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(0, (short) controllerIds.size());
        for (int i = 0; i < controllerIds.size(); i++) {
            b.putShort(2 + 2 * i, controllerIds.get(i).shortValue());
        }
        RawCommand cmd = RawCommand.of(Opcodes.ADMIN_NAMESPACE_ATTACHMENT, nsid).withCdw10(sel);
        withData(list, buf -> admin.sync(cmd, buf).dw0());
        rescan.get();
    }

    @Override
    public List<Integer> allocatedNamespaces() {
        requireBit(OptionalCommand.NAMESPACE_MANAGEMENT);
        ByteBuffer b = identify(Opcodes.CNS_ALLOCATED_NAMESPACE_LIST, 0, 0);
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < IdentifyLayout.NSLIST_MAX && b.getInt(4 * i) != 0; i++) {
            ids.add(b.getInt(4 * i));
        }
        return List.copyOf(ids);
    }

    /** Throws IllegalArgumentException, listing the allocated namespaces, unless {@code nsid} is one of them. */
    private void requireAllocated(int nsid) {
        List<Integer> allocated = allocatedNamespaces();
        if (!allocated.contains(nsid)) {
            throw new IllegalArgumentException("namespace " + ManagementChecks.nsidText(nsid) + " is not allocated; allocated"
                    + " namespaces: " + (allocated.isEmpty() ? "none" : allocated.stream()
                    .map(Integer::toUnsignedString).collect(java.util.stream.Collectors.joining(", ")))
                    + " (nothing was sent to the device)");
        }
    }

    @Override
    public byte[] identifyAllocatedNamespace(int nsid) {
        requireBit(OptionalCommand.NAMESPACE_MANAGEMENT);
        return identify(Opcodes.CNS_ALLOCATED_NAMESPACE, nsid, 0).array();
    }

    @Override
    public List<Integer> controllers(int nsid) {
        ByteBuffer b = nsid == 0 ? identify(Opcodes.CNS_CONTROLLER_LIST, 0, 0)
                : identify(Opcodes.CNS_NAMESPACE_CONTROLLER_LIST, nsid, 0);
        int n = b.getShort(0) & 0xFFFF;
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < Math.min(n, 2047); i++) {
            ids.add(b.getShort(2 + 2 * i) & 0xFFFF);
        }
        return List.copyOf(ids);
    }

    @Override
    public int controllerId() {
        return identify(Opcodes.CNS_CONTROLLER, 0, 0).getShort(IdentifyLayout.CTRL_CNTLID) & 0xFFFF;
    }

    @Override
    public byte[] namespaceGranularity() {
        requireBit(OptionalCommand.NAMESPACE_GRANULARITY);
        return identify(Opcodes.CNS_NAMESPACE_GRANULARITY, 0, 0).array();
    }

    @Override
    public void selfTest(int nsid, SelfTest test) {
        requireBit(OptionalCommand.DEVICE_SELF_TEST);
        if (nsid != 0 && nsid != AdminCommands.NSID_ALL && namespaces.table().get(nsid) == null) {
            throw new IllegalArgumentException("namespace " + ManagementChecks.nsidText(nsid) + " is not active; active namespaces: "
                    + namespaces.table().describeActive() + ", 0 for the controller only or 0xffffffff for all"
                    + " (nothing was sent to the device)");
        }
        admin.sync(RawCommand.of(Opcodes.ADMIN_DEVICE_SELF_TEST, nsid).withCdw10(test.code), null);
    }

    @Override
    public SelfTestLog selfTestLog() {
        requireBit(OptionalCommand.DEVICE_SELF_TEST);
        return ManagementLogs.selfTestLog(admin.getLogPage(Opcodes.LOG_DEVICE_SELF_TEST, AdminCommands.NSID_ALL, 0,
                ManagementFields.SELF_TEST_LOG_SIZE));
    }

    @Override
    public void sanitize(SanitizeAction action, boolean allowUnrestrictedExit, boolean noDeallocate,
                         int overwritePasses, boolean invertPattern, int pattern, Confirm confirm) {
        String what = "Sanitize (" + action + ")";
        Confirm.require(confirm, what);
        byte[] id = identifyController();
        int sanicap = ByteBuffer.wrap(id).order(ByteOrder.LITTLE_ENDIAN).getInt(IdentifyLayout.CTRL_SANICAP);
        int bit = switch (action) {
            case CRYPTO_ERASE -> 0;
            case BLOCK_ERASE -> 1;
            case OVERWRITE -> 2;
            case EXIT_FAILURE_MODE -> -1;
        };
        if ((sanicap & 0x7) == 0 || bit >= 0 && (sanicap >>> bit & 1) == 0) {
            throw new UnsupportedOperationException("Sanitize (" + action + ") is not supported by this controller:"
                    + " Identify Controller SANICAP = 0x" + Integer.toHexString(sanicap)
                    + (bit >= 0 ? ", bit " + bit + " is 0" : ""));
        }
        if (overwritePasses < 0 || overwritePasses > 15) {
            throw new IllegalArgumentException("overwrite passes are 0-15 (0 means 16), got " + overwritePasses);
        }
        int cdw10 = ManagementFields.sanitizeCdw10(action.code, allowUnrestrictedExit, overwritePasses, invertPattern,
                noDeallocate);
        pairs.withNoPairOpen(what, () ->
                admin.sync(RawCommand.of(Opcodes.ADMIN_SANITIZE, 0).withCdw10(cdw10).withCdw11(pattern), null));
    }

    @Override
    public SanitizeStatus sanitizeStatus(boolean retainAsyncEvent) {
        byte[] id = identifyController();
        int sanicap = ByteBuffer.wrap(id).order(ByteOrder.LITTLE_ENDIAN).getInt(IdentifyLayout.CTRL_SANICAP);
        if ((sanicap & 0x7) == 0) {
            throw new UnsupportedOperationException("Sanitize is not supported by this controller: Identify Controller"
                    + " SANICAP = 0x" + Integer.toHexString(sanicap) + ", bits 2:0 are 0");
        }
        int size = ManagementFields.SANITIZE_LOG_SIZE;
        return ManagementLogs.sanitizeStatus(admin.read(AdminCommands.getLogPage(Opcodes.LOG_SANITIZE_STATUS, size,
                AdminCommands.NSID_ALL).withCdw10(AdminFields.logPageCdw10(Opcodes.LOG_SANITIZE_STATUS, size, 0,
                retainAsyncEvent)), size));
    }

    // ---- helpers ----

    private byte[] identifyController() {
        return identify(Opcodes.CNS_CONTROLLER, 0, 0).array();
    }

    /** Throws "not supported by this controller" unless the command's bit is set; returns Identify Controller. */
    private byte[] requireBit(OptionalCommand command) {
        byte[] id = identifyController();
        command.require(ManagementChecks.supportField(id, command.field()));
        return id;
    }

    @Override
    public void requireSupported(OptionalCommand command) {
        requireBit(command);
    }

    private ByteBuffer identify(int cns, int nsid, int cntid) {
        byte[] data = admin.read(AdminCommands.identify(cns, nsid).withCdw10(cns | cntid << 16), IdentifyLayout.SIZE);
        return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    }

    private DmaBuffer buffer(int bytes) {
        health.checkAccepting();
        DmaBuffer buf = admin.allocateInternal(Math.max(4, (bytes + 3) & ~3));
        buf.segment().fill((byte) 0);
        return buf;
    }

    private static byte[] bytes(DmaBuffer buf, int n) {
        return buf.segment().asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
    }

    /** Runs {@code send} with {@code data} in a DMA buffer (or no buffer for null data). */
    private int withData(byte[] data, java.util.function.ToIntFunction<DmaBuffer> send) {
        if (data == null) {
            health.checkAccepting();
            return send.applyAsInt(null);
        }
        try (DmaBuffer buf = buffer(data.length)) {
            MemorySegment.copy(MemorySegment.ofArray(data), 0, buf.segment(), 0, data.length);
            return send.applyAsInt(buf);
        }
    }
}
