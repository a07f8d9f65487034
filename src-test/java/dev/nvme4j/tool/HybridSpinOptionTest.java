package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.tool.cli.ToolException;
import dev.nvme4j.tool.device.DeviceOpener;
import dev.nvme4j.tool.device.DeviceOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The hybrid spin's options: adaptive by default, fixed when a time is given; the tool's spelling of both. */
class HybridSpinOptionTest {
    private static ControllerOptions tool(String spec) {
        DeviceOptions o = new DeviceOptions();
        o.hybridSpin = spec;
        return o.apply(ControllerOptions.defaults());
    }

    @Test
    void theDefaultIsAdaptiveUpTo500us() {
        ControllerOptions d = ControllerOptions.defaults();
        assertTrue(d.hybridSpinAdaptive());
        assertEquals(Duration.ofNanos(500_000), d.hybridSpin());
    }

    @Test
    void aFixedSpinTurnsAdaptationOffAndAnAdaptiveLimitTurnsItOn() {
        ControllerOptions fixed = ControllerOptions.builder().hybridSpin(Duration.ofNanos(250_000)).build();
        assertFalse(fixed.hybridSpinAdaptive());
        assertEquals(Duration.ofNanos(250_000), fixed.hybridSpin());
        ControllerOptions back = fixed.toBuilder().adaptiveHybridSpin(Duration.ofMillis(2)).build();
        assertTrue(back.hybridSpinAdaptive());
        assertEquals(Duration.ofMillis(2), back.hybridSpin());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ControllerOptions.builder().adaptiveHybridSpin(Duration.ZERO));
        assertTrue(e.getMessage().contains("must be positive"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ControllerOptions.builder().adaptiveHybridSpin(Duration.ofSeconds(2)));
    }

    @Test
    void theToolTakesATimeAutoOrAutoWithALimit() {
        ControllerOptions fixed = tool("200us");
        assertFalse(fixed.hybridSpinAdaptive());
        assertEquals(Duration.ofNanos(200_000), fixed.hybridSpin());
        ControllerOptions auto = tool("auto");
        assertTrue(auto.hybridSpinAdaptive());
        assertEquals(Duration.ofNanos(500_000), auto.hybridSpin());
        ControllerOptions limited = tool("auto:1ms");
        assertTrue(limited.hybridSpinAdaptive());
        assertEquals(Duration.ofMillis(1), limited.hybridSpin());
        for (String bad : new String[] {"soon", "auto:0", "auto:", "-5us"}) {
            ToolException e = assertThrows(ToolException.class, () -> tool(bad), bad);
            assertTrue(e.getMessage().contains("Invalid --hybrid-spin '" + bad + "'"), e.getMessage());
            assertTrue(e.getMessage().contains("auto:LIMIT"), e.getMessage());
        }
    }

    @Test
    void hybridModeOnTheMockWithTheAdaptiveSpinCompletesEveryIo() {
        ToolRun r = ToolRun.run(new DeviceOpener(), "fio", "--rw=randread", "--iodepth=1", "--size=1m",
                "--mode=hybrid", "--hybrid-spin=auto:200us", "--mock-capacity=16m", "--output-format=json");
        assertEquals(0, r.exit(), r.toString());
        ToolRun bad = ToolRun.run(new DeviceOpener(), "fio", "--rw=randread", "--size=1m", "--mode=hybrid",
                "--hybrid-spin=later");
        assertEquals(2, bad.exit(), bad.toString());
        assertTrue(bad.err().contains("Invalid --hybrid-spin 'later'"), bad.toString());
    }
}
