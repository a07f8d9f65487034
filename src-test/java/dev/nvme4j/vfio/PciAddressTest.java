package dev.nvme4j.vfio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** PCI address parsing: the kernel's dddd:bb:dd.f form. */
class PciAddressTest {

    @Test
    void normalizesCaseAndAddsTheDefaultDomain() {
        assertEquals("0000:3b:00.0", PciAddress.parse("0000:3B:00.0").value());
        assertEquals("0000:01:00.1", PciAddress.parse("01:00.1").value());
        assertEquals("10de:af:1f.7", PciAddress.parse(" 10de:af:1f.7 ").value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0000:01:00", "0000:01:00.8", "0000:01:20.0", "000:01:00.0", "0000-01-00.0", "/dev/nvme0"})
    void rejectsWhatIsNotAnAddressAndShowsTheFormat(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PciAddress.parse(text));
        assertTrue(e.getMessage().contains("e.g. 0000:01:00.0"), e.getMessage());
    }

    @Test
    void rejectsNull() {
        assertThrows(IllegalArgumentException.class, () -> PciAddress.parse(null));
    }
}
