package dev.nvme4j.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nvme4j.Nvme;
import dev.nvme4j.api.Completion;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.MockController;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.spec.IdentifyLayout;
import dev.nvme4j.spec.Opcodes;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The mock's Format NVM (Base 5.14): its LBA format list, the format change, the erase and the bad inputs. */
class MockFormatNvmTest {
    private static Completion format(Controller c, int nsid, int cdw10) throws Exception {
        return c.adminPassthrough(RawCommand.of(Opcodes.ADMIN_FORMAT_NVM, nsid).withCdw10(cdw10), null)
                .get(30, TimeUnit.SECONDS);
    }

    @Test
    void formatTo4KiBThenVerify4KiBIo() throws Exception {
        try (MockController m = Nvme.createMock(MockConfig.builder().namespace(NamespaceConfig.ram(2048, 512)).build());
             Controller c = Nvme.open(m)) {
            byte[] id = c.identifyController();
            assertEquals(IdentifyLayout.OACS_FORMAT, id[IdentifyLayout.CTRL_OACS] & IdentifyLayout.OACS_FORMAT);
            byte[] ns = c.identifyNamespace(1);
            assertEquals(4, ns[IdentifyLayout.NS_NLBAF], "the configured 512 first, then 512+8, 4k, 4k+8, 4k+64");
            assertEquals(0, ns[IdentifyLayout.NS_FLBAS] & 0xF, "512-byte format in use");
            try (IoQueuePair qp = c.createQueuePair(); DmaBuffer buf = c.allocateBuffer(4096)) {
                buf.segment().fill((byte) 0x77);
                qp.writeSync(c.namespace(1), 0, 8, buf);
            }
            assertEquals(true, format(c, 1, 2).isSuccess());
            c.rescanNamespaces();
            Namespace n = c.namespace(1);
            assertEquals(4096, n.lbaSize());
            assertEquals(256, n.sizeBlocks(), "same capacity in bytes");
            assertEquals(2, c.identifyNamespace(1)[IdentifyLayout.NS_FLBAS] & 0xF);
            try (IoQueuePair qp = c.createQueuePair(); DmaBuffer buf = c.allocateBuffer(4096)) {
                qp.readSync(n, 0, 1, buf);
                assertEquals(0, buf.segment().get(ValueLayout.JAVA_BYTE, 100), "erased by the format");
                buf.segment().fill((byte) 0x3c);
                qp.writeSync(n, 7, 1, buf);
                buf.segment().fill((byte) 0);
                qp.readSync(n, 7, 1, buf);
                assertEquals(0x3c, buf.segment().get(ValueLayout.JAVA_BYTE, 4095));
            }
        }
    }

    @Test
    void badFormatsChangeNothing() throws Exception {
        try (MockController m = Nvme.createMock(MockConfig.builder().namespace(NamespaceConfig.ram(2048, 512)).build());
             Controller c = Nvme.open(m)) {
            assertEquals(NvmeStatus.INVALID_FORMAT.code(true), format(c, 1, 9).status(), "index out of range");
            assertEquals(NvmeStatus.INVALID_FORMAT.code(true), format(c, 1, 2 | 1 << 5).status(), "PI without metadata");
            assertEquals(NvmeStatus.INVALID_FIELD_IN_COMMAND.code(true), format(c, 1, 2 << 9).status(), "crypto erase");
            assertEquals(NvmeStatus.INVALID_NAMESPACE_OR_FORMAT.code(true), format(c, 5, 2).status());
            c.rescanNamespaces();
            assertEquals(512, c.namespace(1).lbaSize());
        }
    }
}
