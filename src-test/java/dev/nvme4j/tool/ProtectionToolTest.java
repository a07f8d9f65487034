package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.tool.device.DeviceOpener;
import org.junit.jupiter.api.Test;

/** {@code nvme4j fio} and {@code id-ns} on mock namespaces formatted with metadata and protection information. */
class ProtectionToolTest {
    private static ToolRun run(String... args) {
        return ToolRun.run(new DeviceOpener(), args);
    }

    @Test
    void verifyOnAPiNamespaceChecksThePiByDefault() {
        ToolRun r = run("fio", "--rw=randwrite", "--bs=8k", "--iodepth=8", "--size=2m", "--verify=crc32c",
                "--mock-capacity=16m", "--mock-lba-size=512", "--mock-metadata=8,pi=1");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("verify       : crc32c, blocks=4096, bad=0"), r.out());
    }

    @Test
    void aBlockCorruptedBetweenDeviceAndHostIsAGuardErrorNamingItsLba() {
        ToolRun r = run("fio", "--rw=randwrite", "--bs=8k", "--iodepth=8", "--size=2m", "--verify=crc32c",
                "--mock-capacity=16m", "--mock-lba-size=4096", "--mock-metadata=64,pi=3,first",
                "--fault-corrupt-lba=77");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.toString().contains("End-to-end Guard Check Error") && r.toString().contains("LBA 77)"),
                r.toString());
    }

    @Test
    void controllerInsertedPiOnExtendedLbas() {
        ToolRun r = run("fio", "--rw=randrw", "--bs=4k", "--iodepth=4", "--size=1m", "--number_ios=512",
                "--mock-capacity=16m", "--mock-lba-size=512", "--mock-metadata=8,extended,pi=1", "--pi=controller",
                "--pi-check=guard,app,ref");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("err= 0"), r.out());
    }

    @Test
    void optionsThatDoNotFitTheFormatAreRefused() {
        ToolRun r = run("fio", "--rw=read", "--size=64k", "--mock-capacity=16m", "--pi=host");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("'--pi': namespace 1 has no protection information"), r.toString());
        r = run("fio", "--rw=write", "--size=64k", "--mock-capacity=16m", "--mock-metadata=8,pi=1", "--pi-check=crc");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("'--pi-check': 'crc'"), r.toString());
        r = run("fio", "--rw=write", "--size=64k", "--verify=crc32c", "--mock-capacity=16m", "--mock-lba-size=512",
                "--mock-metadata=16,extended");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("interleaved"), r.toString());
        r = run("fio", "--rw=write", "--size=64k", "--mock-capacity=16m", "--mock-metadata=4");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("'--mock-metadata'"), r.toString());
    }

    @Test
    void idNsShowsTheFormatsMetadataAndProtection() {
        ToolRun r = run("id-ns", "--mock-lba-size=512", "--mock-metadata=8,extended,pi=1,first");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("ms:8"), r.out());
        assertTrue(r.out().matches("(?s).*dps\\s*:\\s*0x9.*"), r.out());
        assertTrue(r.out().matches("(?s).*flbas\\s*:\\s*0x10.*"), r.out());
    }
}
