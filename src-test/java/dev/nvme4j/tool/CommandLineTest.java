package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.tool.cli.ByteSize;
import dev.nvme4j.tool.cli.TimeSpec;
import dev.nvme4j.tool.device.DeviceOpener;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/** Option parsing and the messages for bad input. */
class CommandLineTest {
    private static final String NOT_OPENED = "the device must not be opened for this input";

    private static ToolRun runWithoutDevice(String... args) {
        AtomicBoolean opened = new AtomicBoolean();
        ToolRun r = ToolRun.run((d, o) -> {
            opened.set(true);
            throw new AssertionError(NOT_OPENED);
        }, args);
        assertFalse(opened.get(), NOT_OPENED);
        return r;
    }

    private static ToolRun runOnFake(String... args) {
        return ToolRun.run(() -> new FakeController(4096, 4096), args);
    }

    @Test
    void fioHelpFormatsEveryOptionDescription() {
        java.io.PrintStream saved = System.err;
        java.io.ByteArrayOutputStream traced = new java.io.ByteArrayOutputStream();
        ToolRun r;
        System.setErr(new java.io.PrintStream(traced, true));
        try {
            r = runWithoutDevice("fio", "--help");
        } finally {
            System.setErr(saved);
        }
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().replaceAll("\\s+", " ").contains("a share of the namespace such as 50%"), r.out());
        assertFalse(traced.toString().contains("Could not format"), traced.toString()); // picocli's warning
    }

    @Test
    void sizesUseFioSuffixes() {
        assertEquals(4096, ByteSize.parse("4k"));
        assertEquals(4096, ByteSize.parse("4K"));
        assertEquals(4096, ByteSize.parse("4KiB"));
        assertEquals(4096, ByteSize.parse("4kb"));
        assertEquals(1 << 20, ByteSize.parse("1m"));
        assertEquals(3L << 30, ByteSize.parse("3g"));
        assertEquals(512, ByteSize.parse("512"));
        assertThrows(TypeConversionException.class, () -> ByteSize.parse("4x"));
        assertThrows(TypeConversionException.class, () -> ByteSize.parse("-1"));
    }

    @Test
    void timesUseFioUnits() {
        assertEquals(Duration.ofSeconds(5), TimeSpec.parse("5"));
        assertEquals(Duration.ofMillis(500), TimeSpec.parse("500ms"));
        assertEquals(Duration.ofNanos(20_000), TimeSpec.parse("20us"));
        assertEquals(Duration.ofMinutes(2), TimeSpec.parse("2m"));
        assertThrows(TypeConversionException.class, () -> TimeSpec.parse("soon"));
    }

    @Test
    void badRwNamesTheOptionAndTheAllowedValues() {
        ToolRun r = runWithoutDevice("fio", "--rw=foo");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("Invalid value for option '--rw': expected one of "
                + "[read, write, randread, randwrite, rw, randrw, trim, randtrim] but was 'foo'"), r.toString());
        assertFalse(r.err().contains("at dev.nvme4j"), "no stack trace: " + r);
    }

    @Test
    void badEnumsOfOtherOptions() {
        ToolRun r = runWithoutDevice("fio", "--mode=fast");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("'--mode': expected one of [poll, irq, hybrid] but was 'fast'"), r.toString());
        r = runWithoutDevice("fio", "--verify=crc99");
        assertTrue(r.err().contains("'--verify': expected one of [none, md5, crc64, crc32, crc32c-intel, crc32c, "
                + "crc16, crc7, sha1, sha256, sha512, sha3-224, sha3-256, sha3-384, sha3-512, xxhash, meta, pattern, "
                + "pattern_hdr, null] but was 'crc99'"), r.toString());
        r = runWithoutDevice("fio", "--verify=pattern");
        assertTrue(r.err().contains("--verify=pattern needs --verify_pattern"), r.toString());
        r = runWithoutDevice("smart-log", "--output-format=xml");
        assertTrue(r.err().contains("'--output-format': expected one of [normal, json] but was 'xml'"), r.toString());
    }

    @Test
    void badBsSuffix() {
        ToolRun r = runWithoutDevice("fio", "--bs=4q");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("Invalid value for option '--bs'"), r.toString());
    }

    @Test
    void iodepthOutOfRange() {
        ToolRun r = runWithoutDevice("fio", "--iodepth=0");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("Invalid value for option '--iodepth': must be between 1 and 65535 but was 0"),
                r.toString());
        // Beyond what the controller allows (the fake has 1024 entries per queue).
        r = runOnFake("fio", "--iodepth=2000");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("'--iodepth': must be between 1 and 1023 for this controller"), r.toString());
    }

    @Test
    void bsMustBeAMultipleOfTheLbaSize() {
        ToolRun r = runOnFake("fio", "--bs=1000");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("'--bs': 1000 is not a multiple of the LBA size of namespace 1 (4096 bytes)"),
                r.toString());
    }

    @Test
    void sizeBeyondTheNamespace() {
        ToolRun r = runOnFake("fio", "--size=1g");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("Invalid value for option '--size'"), r.toString());
        assertTrue(r.err().contains("namespace 1 has 16777216 bytes"), r.toString());
        r = runOnFake("fio", "--size=8m", "--numjobs=3");
        assertEquals(2, r.exit(), "3 regions of 8 MiB do not fit in 16 MiB: " + r);
    }

    @Test
    void unknownNamespace() {
        ToolRun r = runOnFake("fio", "--ns=7");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("Invalid value for option '--ns': namespace 7 is not active"), r.toString());
    }

    @Test
    void timeBasedWithoutRuntimeIsNotedAndRunsOnceAsInFio() {
        // fio 3.33: "fio: time_based requires a runtime/timeout setting", then one pass over the size
        ToolRun r = runOnFake("fio", "--time_based", "--size=64k", "--output-format=terse");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.err().contains("time_based requires a runtime"), r.toString());
        assertEquals("64", r.out().split(";")[5], "read KiB: one pass over 64k");
    }

    @Test
    void unknownOptionIsNamed() {
        ToolRun r = runWithoutDevice("fio", "--iodpeth=4");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("Unknown option: '--iodpeth=4'"), r.toString());
    }

    @Test
    void badPciAddressAndUnopenableDeviceGiveOneLine() {
        ToolRun r = ToolRun.run(new DeviceOpener(), "id-ctrl", "--device=ctrl0");
        assertEquals(2, r.exit());
        assertEquals("nvme4j: Invalid value for option '--device': expected 'mock', a PCI address such as "
                + "0000:01:00.0 or tcp://HOST:PORT/SUBNQN but was 'ctrl0'", r.err().strip());
        r = ToolRun.run(new DeviceOpener(), "id-ctrl", "--device=nvme0");
        assertEquals(1, r.err().strip().split("\n").length, "one line: " + r.err());
        assertTrue(r.err().contains("but was 'nvme0'; nvme0 is the kernel's name of a controller"), r.err());
        r = ToolRun.run(new DeviceOpener(), "fio", "--device=01:00.0");
        assertEquals(1, r.exit());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, "one line: " + r);
        assertTrue(lines[0].startsWith("nvme4j: ") && lines[0].contains("0000:01:00.0"), r.toString());
    }

    @Test
    void aMultiLineDriverMessageBecomesOneLine() throws Exception {
        java.lang.reflect.Method m = DeviceOpener.class.getDeclaredMethod("openFailure", String.class, String.class,
                dev.nvme4j.tool.device.PciPreflight.class);
        m.setAccessible(true);
        String msg = (String) m.invoke(null, "0000:01:00.0",
                "opening 0000:01:00.0: it is bound to nvme. Bind it (as root) with:\n  tools/nvme4j-setup bind "
                        + "0000:01:00.0\n", new dev.nvme4j.tool.device.PciPreflight());
        assertEquals("opening 0000:01:00.0: it is bound to nvme. Bind it (as root) with: tools/nvme4j-setup bind "
                + "0000:01:00.0", msg);
    }

    @Test
    void debugShowsTheStackTrace() {
        ToolRun r = ToolRun.run(new DeviceOpener(), "fio", "--device=01:00.0", "--debug");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("\tat "), r.toString());
    }
}
