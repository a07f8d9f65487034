package dev.nvme4j.tool.inspect;

import java.math.BigInteger;

/**
 * The SMART / Health Information log page (Log Identifier 02h; NVMe Base Specification 2.0,
 * section 5.16.1.3, figure 207), parsed from its 512 bytes. Immutable.
 *
 * @param criticalWarning             byte 0
 * @param temperatureKelvin           bytes 2:1, composite temperature
 * @param availableSpare              byte 3, percent
 * @param availableSpareThreshold     byte 4, percent
 * @param percentageUsed              byte 5
 * @param enduranceGroupWarning       byte 6, endurance group critical warning summary
 * @param dataUnitsRead               bytes 47:32, thousands of 512-byte units
 * @param dataUnitsWritten            bytes 63:48
 * @param hostReadCommands            bytes 79:64
 * @param hostWriteCommands           bytes 95:80
 * @param controllerBusyTime          bytes 111:96, minutes
 * @param powerCycles                 bytes 127:112
 * @param powerOnHours                bytes 143:128
 * @param unsafeShutdowns             bytes 159:144
 * @param mediaErrors                 bytes 175:160
 * @param numErrLogEntries            bytes 191:176
 * @param warningTempTime             bytes 195:192, minutes
 * @param criticalCompTime            bytes 199:196, minutes
 * @param temperatureSensors          bytes 215:200, eight sensors in Kelvin (0: not implemented)
 * @param thermalTransitions          bytes 231:216: T1 count, T2 count, T1 total time, T2 total time
 */
public record SmartLog(int criticalWarning, int temperatureKelvin, int availableSpare, int availableSpareThreshold,
                       int percentageUsed, int enduranceGroupWarning, BigInteger dataUnitsRead,
                       BigInteger dataUnitsWritten, BigInteger hostReadCommands, BigInteger hostWriteCommands,
                       BigInteger controllerBusyTime, BigInteger powerCycles, BigInteger powerOnHours,
                       BigInteger unsafeShutdowns, BigInteger mediaErrors, BigInteger numErrLogEntries,
                       long warningTempTime, long criticalCompTime, int[] temperatureSensors,
                       long[] thermalTransitions) {
    /** Size of the page. */
    public static final int SIZE = 512;

    /** Parses the page. */
    public static SmartLog parse(byte[] b) {
        if (b.length < 232) {
            throw new IllegalArgumentException("SMART / Health log page too short: " + b.length + " bytes");
        }
        int[] sensors = new int[8];
        for (int i = 0; i < 8; i++) {
            sensors[i] = Bytes.u16(b, 200 + 2 * i);
        }
        long[] thermal = {Bytes.u32(b, 216), Bytes.u32(b, 220), Bytes.u32(b, 224), Bytes.u32(b, 228)};
        return new SmartLog(Bytes.u8(b, 0), Bytes.u16(b, 1), Bytes.u8(b, 3), Bytes.u8(b, 4), Bytes.u8(b, 5),
                Bytes.u8(b, 6), Bytes.u128(b, 32), Bytes.u128(b, 48), Bytes.u128(b, 64), Bytes.u128(b, 80),
                Bytes.u128(b, 96), Bytes.u128(b, 112), Bytes.u128(b, 128), Bytes.u128(b, 144), Bytes.u128(b, 160),
                Bytes.u128(b, 176), Bytes.u32(b, 192), Bytes.u32(b, 196), sensors, thermal);
    }

    /**
     * The page's fields in nvme-cli's order, with its JSON names and its normal-output labels
     * (which differ from the JSON names for this page).
     */
    static final Layout LAYOUT = layout();

    private static Layout layout() {
        Layout.Builder l = Layout.builder(0)
                .hex("critical_warning", 0, 1).label("critical_warning\t\t\t").human(v -> {
                    long w = (Long) v;
                    return java.util.List.of(
                            "      Available Spare[0]             : " + (w & 1),
                            "      Temp. Threshold[1]             : " + (w >> 1 & 1),
                            "      NVM subsystem Reliability[2]   : " + (w >> 2 & 1),
                            "      Read-only[3]                   : " + (w >> 3 & 1),
                            "      Volatile mem. backup failed[4] : " + (w >> 4 & 1),
                            "      Persistent Mem. RO[5]          : " + (w >> 5 & 1));
                })
                .dec("temperature", 1, 2).label("temperature\t\t\t\t").text(v -> Layout.kelvin((Long) v))
                .dec("avail_spare", 3, 1).label("available_spare\t\t\t\t").text(v -> v + "%")
                .dec("spare_thresh", 4, 1).label("available_spare_threshold\t\t").text(v -> v + "%")
                .dec("percent_used", 5, 1).label("percentage_used\t\t\t\t").text(v -> v + "%")
                .hex("endurance_grp_critical_warning_summary", 6, 1)
                .label("endurance group critical warning summary")
                .add("data_units_read", 32, 16, Layout.Kind.U128).label("Data Units Read\t\t\t\t")
                .text(v -> v + " (" + unitsToBytes((BigInteger) v) + ")")
                .add("data_units_written", 48, 16, Layout.Kind.U128).label("Data Units Written\t\t\t")
                .text(v -> v + " (" + unitsToBytes((BigInteger) v) + ")")
                .add("host_read_commands", 64, 16, Layout.Kind.U128).label("host_read_commands\t\t\t")
                .add("host_write_commands", 80, 16, Layout.Kind.U128).label("host_write_commands\t\t\t")
                .add("controller_busy_time", 96, 16, Layout.Kind.U128).label("controller_busy_time\t\t\t")
                .add("power_cycles", 112, 16, Layout.Kind.U128).label("power_cycles\t\t\t\t")
                .add("power_on_hours", 128, 16, Layout.Kind.U128).label("power_on_hours\t\t\t\t")
                .add("unsafe_shutdowns", 144, 16, Layout.Kind.U128).label("unsafe_shutdowns\t\t\t")
                .add("media_errors", 160, 16, Layout.Kind.U128).label("media_errors\t\t\t\t")
                .add("num_err_log_entries", 176, 16, Layout.Kind.U128).label("num_err_log_entries\t\t\t")
                .dec("warning_temp_time", 192, 4).label("Warning Temperature Time\t\t")
                .dec("critical_comp_time", 196, 4).label("Critical Composite Temperature Time\t");
        for (int i = 0; i < 8; i++) {
            int off = 200 + 2 * i;
            l.dec("temperature_sensor_" + (i + 1), off, 2).label("Temperature Sensor " + (i + 1) + "           ")
                    .text(v -> Layout.kelvin((Long) v)).when(b -> Bytes.u16(b, off) != 0);
        }
        return l.dec("thm_temp1_trans_count", 216, 4).label("Thermal Management T1 Trans Count\t")
                .dec("thm_temp2_trans_count", 220, 4).label("Thermal Management T2 Trans Count\t")
                .dec("thm_temp1_total_time", 224, 4).label("Thermal Management T1 Total Time\t")
                .dec("thm_temp2_total_time", 228, 4).label("Thermal Management T2 Total Time\t")
                .build();
    }

    /** The fields of a raw page with nvme-cli's names; with {@code human}, the JSON decodes critical_warning. */
    public static Fields fields(byte[] page, boolean human) {
        Fields f = LAYOUT.render(page, 0);
        if (human) {
            int w = Bytes.u8(page, 0);
            com.fasterxml.jackson.databind.node.ObjectNode crt = Fields.MAPPER.createObjectNode();
            crt.put("value", w);
            crt.put("available_spare", w & 1);
            crt.put("temp_threshold", w >> 1 & 1);
            crt.put("reliability_degraded", w >> 2 & 1);
            crt.put("ro", w >> 3 & 1);
            crt.put("vmbu_failed", w >> 4 & 1);
            crt.put("pmr_ro", w >> 5 & 1);
            f.json().set("critical_warning", crt);
        }
        return f;
    }

    /** Data units (1000 x 512 bytes) as decimal bytes, e.g. {@code 1.23 GB}. */
    static String unitsToBytes(BigInteger units) {
        double bytes = units.doubleValue() * 512_000.0;
        String[] u = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
        int i = 0;
        while (bytes >= 1000 && i < u.length - 1) {
            bytes /= 1000;
            i++;
        }
        return String.format(java.util.Locale.ROOT, "%.2f %s", bytes, u[i]);
    }
}
