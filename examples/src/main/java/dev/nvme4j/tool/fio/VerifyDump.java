package dev.nvme4j.tool.fio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * fio's {@code verify_dump}: each bad verify unit is written to two files, as read
 * ({@code NAME.OFFSET.received}) and as it should have been ({@code NAME.OFFSET.expected}), NAME
 * being the device's name (its last path element, as fio takes the file's base name) and OFFSET
 * the unit's byte offset on the namespace, in {@code --aux-path} or the working directory, as
 * fio names them. The expected data is stamped anew with the unit's LBA and the generation
 * expected (when not known, the one the unit's header holds). The first
 * {@link JobRunner#MAX_MISMATCHES_KEPT} bad units of a job are dumped (fio dumps every one).
 * Runs only when a read found a bad unit (it allocates); the job's thread only.
 */
final class VerifyDump {
    private final Path dir;
    private final String name;
    private final VerifyFormat format;
    private final int lbaSize;
    private final int job;
    private int dumped;

    VerifyDump(Path dir, String device, VerifyFormat format, int lbaSize, int job) {
        this.dir = dir;
        this.name = device.substring(device.lastIndexOf('/') + 1);
        this.format = format;
        this.lbaSize = lbaSize;
        this.job = job;
    }

    /** A unit that was dumped: its first LBA and the path of its files without {@code .received}. */
    record Dumped(long lba, int blocks, String base) {
    }

    /**
     * Dumps the bad units among the {@code blocks} blocks read from {@code firstLba} into {@code data}.
     *
     * @param generation the generation written, or {@link VerifyFormat#ANY_GENERATION}
     * @throws UncheckedIOException when a file cannot be written
     */
    List<Dumped> dumpBad(ByteBuffer data, int blocks, long firstLba, long generation) {
        List<Dumped> out = new ArrayList<>();
        int unitBytes = format.unitBytes();
        int perUnit = unitBytes / lbaSize;
        for (int u = 0; u < blocks && dumped < JobRunner.MAX_MISMATCHES_KEPT; u += perUnit) {
            ByteBuffer unit = data.slice(u * lbaSize, unitBytes).order(ByteOrder.LITTLE_ENDIAN);
            long lba = firstLba + u;
            if (format.check(unit, perUnit, lba, generation, (l, p, e, f) -> { }) == 0) {
                continue;
            }
            long gen = generation != VerifyFormat.ANY_GENERATION ? generation : unit.getLong(16);
            ByteBuffer expected = ByteBuffer.allocate(unitBytes);
            format.stamp(expected, perUnit, lba, gen, job);
            String base = dir.resolve(name + "." + lba * lbaSize).toString();
            write(base + ".received", unit);
            write(base + ".expected", expected);
            out.add(new Dumped(lba, perUnit, base));
            dumped++;
        }
        return out;
    }

    private static void write(String file, ByteBuffer bytes) {
        byte[] b = new byte[bytes.remaining()];
        bytes.duplicate().get(b);
        try {
            Files.write(Path.of(file), b);
        } catch (IOException e) {
            throw new UncheckedIOException("verify_dump: cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
