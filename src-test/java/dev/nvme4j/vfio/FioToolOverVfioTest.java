package dev.nvme4j.vfio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.tool.Main;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code nvme4j fio} in verify mode against a real (QEMU-emulated) controller: every block
 * written is read back and checked (crc32c, LBA and generation stamped in each block), on the
 * 512- and the 4096-byte LBA namespace, in every completion mode, one and two jobs.
 * ({@code ToolOnDeviceTest} covers the inspection commands and a 512-byte-LBA random-write verify.)
 */
@Tag("vfio")
class FioToolOverVfioTest {
    private static final Pattern VERIFY = Pattern.compile("verify\\s*: crc32c, blocks=(\\d+), bad=(\\d+)");

    @ParameterizedTest(name = "ns {0}, {1}, bs {2}, {3} job(s), {4}")
    @CsvSource({
        "1, write, 128k, 2, irq",
        "2, randrw, 16k, 2, poll",
        "2, randwrite, 4k, 1, hybrid",
    })
    void verifiesEveryBlockItWrote(int nsid, String rw, String bs, int jobs, String mode) {
        if (nsid == 2) {
            try (var ctrl = dev.nvme4j.Nvme.open(VmDevices.first())) {
                VmDevices.ns4k(ctrl);
            }
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] args = {"fio", "--device=" + VmDevices.first(), "--name=vm-verify", "--rw=" + rw, "--bs=" + bs,
            "--iodepth=16", "--numjobs=" + jobs, "--size=4m", "--offset=8m", "--verify=crc32c", "--ns=" + nsid,
            "--mode=" + mode, "--group_reporting", "--eta=never"};
        int exit = Main.run(new Main(), new PrintWriter(out, true), new PrintWriter(err, true), args);
        String report = "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        System.out.println(String.join(" ", args) + "\n" + out);
        assertEquals(0, exit, report);
        Matcher m = VERIFY.matcher(out.toString());
        assertTrue(m.find(), "a verify line in the report\n" + report);
        long blocks = Long.parseLong(m.group(1));
        int lba = nsid == 2 ? 4096 : 512;
        assertEquals(jobs * (4L << 20) / lba, blocks, "every block of every job's 4 MiB region verified\n" + report);
        assertEquals(0, Long.parseLong(m.group(2)), "no bad block\n" + report);
    }
}
