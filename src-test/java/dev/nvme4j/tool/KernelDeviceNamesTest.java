package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.tool.device.KernelDeviceNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel's NVMe names pasted where nvme4j wants a controller: what to give instead, from sysfs. */
class KernelDeviceNamesTest {
    @TempDir
    Path sysfs;

    private void controller(String name, String transport, String address, String nqn) throws IOException {
        Path d = Files.createDirectories(sysfs.resolve("class/nvme").resolve(name));
        Files.writeString(d.resolve("transport"), transport + "\n");
        Files.writeString(d.resolve("address"), address + "\n");
        if (nqn != null) {
            Files.writeString(d.resolve("subsysnqn"), nqn + "\n");
        }
    }

    @BeforeEach
    void machine() throws IOException {
        controller("nvme0", "pcie", "0000:01:00.0", "nqn.2019-08.org.qemu:serial0");
        controller("nvme1", "tcp", "traddr=127.0.0.1,trsvcid=4420,src_addr=127.0.0.1", "nqn.2026-12.dev.test:sub1");
        controller("nvme2", "rdma", "traddr=10.0.0.2,trsvcid=4420", "nqn.2026-12.dev.test:sub2");
        controller("nvme3", "tcp", "traddr=fe80::1,trsvcid=4420", "nqn.2026-12.dev.test:six");
    }

    private String hint(String value) {
        Optional<String> h = KernelDeviceNames.hint(sysfs, value, "--ns");
        assertTrue(h.isPresent(), value + " is a kernel NVMe name");
        return h.get();
    }

    @Test
    void aPcieNamespaceNamesItsFunctionTheBindCommandAndTheNamespace() {
        String h = hint("/dev/nvme0n1");
        assertTrue(h.startsWith("/dev/nvme0n1 is namespace 1 of the kernel's controller nvme0, PCI function 0000:01:00.0"), h);
        assertTrue(h.contains("tools/nvme4j-setup bind 0000:01:00.0"), h);
        assertTrue(h.endsWith("give --device=0000:01:00.0 --ns=1"), h);
        assertTrue(hint("/dev/nvme0n1p2").contains("namespace 1 of"), "a partition names its namespace");
        assertTrue(hint("/dev/ng0n3").endsWith("--ns=3"), "the generic char device too");
        assertTrue(hint("nvme0").endsWith("give --device=0000:01:00.0"), "a controller: no namespace option");
    }

    @Test
    void aTcpConnectionBecomesTheFabricsUri() {
        assertTrue(hint("/dev/nvme1n2").contains("give --device=tcp://127.0.0.1:4420/nqn.2026-12.dev.test:sub1 --ns=2"),
                hint("/dev/nvme1n2"));
        assertTrue(hint("/dev/nvme3n1").contains("tcp://[fe80::1]:4420/nqn.2026-12.dev.test:six"), "IPv6 in brackets");
    }

    @Test
    void otherTransportsAndMissingControllersSaySo() {
        String rdma = hint("/dev/nvme2n1");
        assertTrue(rdma.contains("over rdma") && rdma.contains("does not drive"), rdma);
        String gone = hint("/dev/nvme7n1");
        assertTrue(gone.contains("which this machine does not have") && gone.contains("nvme4j list"), gone);
    }

    @Test
    void otherNamesAreNotKernelNvmeNames() {
        for (String v : new String[] {"/dev/sda", "/tmp/file", "mock", "0000:01:00.0", "/dev/nvme-fabrics", "nvmeXn1"}) {
            assertEquals(Optional.empty(), KernelDeviceNames.hint(sysfs, v, "--ns"), v);
        }
    }

    @Test
    void theToolSaysItWhenGivenAKernelName() {
        ToolRun r = ToolRun.run(new dev.nvme4j.tool.device.DeviceOpener(), "fio", "--name=j", "--filename=/dev/nvme0n1", "--rw=read", "--size=1m");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("is namespace 1 of the kernel's controller nvme0"), r.err());
        ToolRun id = ToolRun.run(new dev.nvme4j.tool.device.DeviceOpener(), "id-ctrl", "--device=/dev/nvme0");
        assertEquals(2, id.exit(), id.toString());
        assertTrue(id.err().contains("/dev/nvme0 is the kernel's controller nvme0"), id.err());
    }
}
