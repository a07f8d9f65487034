package dev.nvme4j.mock;

import static dev.nvme4j.spec.ManagementFields.*;
import static dev.nvme4j.spec.Opcodes.*;

import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.spec.IdentifyLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The management admin commands: Firmware Image Download and Commit, Namespace Management and
 * Attachment, Device Self-test and Sanitize, with the state they keep ({@link Firmware},
 * {@link NamespacePool}, {@link SelfTests}, {@link Sanitizer}). Under the device lock.
 */
final class ManagementCommands {
    private final MockNvmeController c;
    private final Engine e;
    final Firmware firmware;
    final NamespacePool pool;
    final SelfTests selfTests;
    final Sanitizer sanitizer;
    private final MemorySegment in = Arena.ofAuto().allocate(64 * 1024, 4096);

    ManagementCommands(MockNvmeController c, Engine e) {
        this.c = c;
        this.e = e;
        this.firmware = new Firmware(c.config.firmwareRevision());
        this.pool = new NamespacePool(c);
        this.selfTests = new SelfTests(c);
        this.sanitizer = new Sanitizer(c);
    }

    /** Controller reset: pending firmware activates, a running self-test is aborted. */
    void reset() {
        firmware.reset();
        selfTests.reset();
    }

    /** Runs the command if it is one of these; returns its status, or -1 when it is not. */
    int execute(AdminCommands admin) {
        int needs = switch (e.opcode) {
            case ADMIN_FIRMWARE_DOWNLOAD, ADMIN_FIRMWARE_COMMIT -> IdentifyLayout.OACS_FIRMWARE;
            case ADMIN_NAMESPACE_MANAGEMENT, ADMIN_NAMESPACE_ATTACHMENT -> IdentifyLayout.OACS_NS_MANAGEMENT;
            case ADMIN_DEVICE_SELF_TEST -> IdentifyLayout.OACS_SELF_TEST;
            default -> 0;
        };
        if ((c.config.oacs() & needs) != needs) {
            return NvmeStatus.INVALID_COMMAND_OPCODE.code(true); // not offered (MockConfig.oacs)
        }
        return switch (e.opcode) {
            case ADMIN_FIRMWARE_DOWNLOAD -> download(admin);
            case ADMIN_FIRMWARE_COMMIT -> firmware.commit(commitSlot(e.cdw10), commitAction(e.cdw10));
            case ADMIN_NAMESPACE_MANAGEMENT -> namespaceManagement();
            case ADMIN_NAMESPACE_ATTACHMENT -> attachment();
            case ADMIN_DEVICE_SELF_TEST -> selfTests.start(selfTestCode(e.cdw10), e.nsid);
            case ADMIN_SANITIZE -> sanitizer.sanitize(e.cdw10, pool);
            default -> -1;
        };
    }

    /** Copies {@code len} bytes of host data into {@link #in}; returns 0 or a status. */
    private int fromHost(long len, AdminCommands admin) {
        if (len > in.byteSize() || len > admin.maxTransfer()) {
            return NvmeStatus.INVALID_FIELD_IN_COMMAND.code(true);
        }
        int st = c.prp.map(e.prp1, e.prp2, len, c.regs.pageSize);
        if (st == 0) {
            c.prp.copyFromHost(in, 0);
        }
        return st;
    }

    private int download(AdminCommands admin) {
        long len = downloadBytes(e.cdw10);
        int st = fromHost(len, admin);
        return st != 0 ? st : firmware.download(downloadOffset(e.cdw11),
                in.asSlice(0, len).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
    }

    private int namespaceManagement() {
        int sel = select(e.cdw10);
        if (sel == NS_MGMT_DELETE) {
            return pool.delete(e.nsid);
        }
        if (sel != NS_MGMT_CREATE) {
            return NvmeStatus.INVALID_FIELD_IN_COMMAND.code(true);
        }
        int st = fromHost(IdentifyLayout.SIZE, c.engine.admin); // an Identify Namespace structure
        if (st != 0) {
            return st;
        }
        int[] nsid = new int[1];
        st = pool.create(nsMgmtCsi(e.cdw11), in, nsid);
        e.dw0 = nsid[0];
        return st;
    }

    private int attachment() {
        int st = fromHost(IdentifyLayout.SIZE, c.engine.admin); // a Controller List
        return st != 0 ? st : pool.attachment(e.nsid, select(e.cdw10), in);
    }
}
