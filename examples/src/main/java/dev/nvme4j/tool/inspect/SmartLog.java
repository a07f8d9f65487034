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

    /** The fields with nvme-cli's names. */
    public Fields fields() {
        Fields f = new Fields();
        f.num("critical_warning", criticalWarning);
        f.num("temperature", temperatureKelvin, temperatureKelvin == 0 ? "0 K"
                : (temperatureKelvin - 273) + " °C (" + temperatureKelvin + " K)");
        f.num("avail_spare", availableSpare, availableSpare + "%");
        f.num("spare_thresh", availableSpareThreshold, availableSpareThreshold + "%");
        f.num("percent_used", percentageUsed, percentageUsed + "%");
        f.num("endurance_grp_critical_warning_summary", enduranceGroupWarning);
        f.big("data_units_read", dataUnitsRead, " (" + unitsToBytes(dataUnitsRead) + ")");
        f.big("data_units_written", dataUnitsWritten, " (" + unitsToBytes(dataUnitsWritten) + ")");
        f.big("host_read_commands", hostReadCommands, "");
        f.big("host_write_commands", hostWriteCommands, "");
        f.big("controller_busy_time", controllerBusyTime, "");
        f.big("power_cycles", powerCycles, "");
        f.big("power_on_hours", powerOnHours, "");
        f.big("unsafe_shutdowns", unsafeShutdowns, "");
        f.big("media_errors", mediaErrors, "");
        f.big("num_err_log_entries", numErrLogEntries, "");
        f.num("warning_temp_time", warningTempTime);
        f.num("critical_comp_time", criticalCompTime);
        for (int i = 0; i < 8; i++) {
            if (temperatureSensors[i] != 0) {
                f.num("temperature_sensor_" + (i + 1), temperatureSensors[i],
                        (temperatureSensors[i] - 273) + " °C (" + temperatureSensors[i] + " K)");
            }
        }
        f.num("thm_temp1_trans_count", thermalTransitions[0]);
        f.num("thm_temp2_trans_count", thermalTransitions[1]);
        f.num("thm_temp1_total_time", thermalTransitions[2]);
        f.num("thm_temp2_total_time", thermalTransitions[3]);
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
