package dev.nvme4j.tcp;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Block devices in the VM guest for bdev-backed nvmet namespaces, made as one would by hand: a
 * memory-backed null_blk device through its configfs ({@code /sys/kernel/config/nullb}, the
 * module loaded with {@code nr_devices=0} by {@code tools/vm-run --nvmet}) and a loop device on a
 * file with a chosen logical block size ({@code losetup --sector-size}). Everything made is
 * removed again, newest first, by {@link #tearDown()}.
 */
final class GuestBlockDevices {
    static final Path NULLB = Path.of("/sys/kernel/config/nullb");

    /** Undo steps, in the order they were needed. */
    private final List<Step> undo = new ArrayList<>();

    @FunctionalInterface
    private interface Step {
        void run() throws IOException;
    }

    /** Whether the guest offers null_blk's configfs and losetup. */
    static boolean available() {
        return Files.isDirectory(NULLB) && Files.isExecutable(Path.of("/usr/sbin/losetup"))
                && Files.isExecutable(Path.of("/usr/sbin/blockdev"));
    }

    /**
     * A memory-backed null_blk device {@code name} of {@code megabytes} MiB with
     * {@code blockSize}-byte logical blocks; returns its device node.
     */
    Path nullBlk(String name, int megabytes, int blockSize) throws IOException {
        Path dir = NULLB.resolve(name);
        Files.createDirectory(dir);
        undo.add(() -> Files.deleteIfExists(dir));
        write(dir.resolve("size"), Integer.toString(megabytes));
        write(dir.resolve("blocksize"), Integer.toString(blockSize));
        write(dir.resolve("memory_backed"), "1");
        write(dir.resolve("power"), "1");
        undo.add(() -> write(dir.resolve("power"), "0"));
        // 6.1 names a configfs-made disk after its directory; older kernels nullb<index>.
        String index = Files.readString(dir.resolve("index")).trim();
        Path dev = Files.exists(Path.of("/sys/block", name)) ? Path.of("/dev", name) : Path.of("/dev/nullb" + index);
        awaitNode(dev);
        return dev;
    }

    /** A loop device on a new zeroed {@code file} of {@code bytes} with {@code sectorSize}-byte logical blocks. */
    Path loop(Path file, long bytes, int sectorSize) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(bytes);
        }
        undo.add(() -> Files.deleteIfExists(file));
        Path dev = Path.of(run("/usr/sbin/losetup", "--find", "--show", "--sector-size", Integer.toString(sectorSize),
                file.toString()).trim());
        undo.add(() -> run("/usr/sbin/losetup", "--detach", dev.toString()));
        awaitNode(dev);
        return dev;
    }

    void tearDown() throws IOException {
        IOException first = null;
        for (int i = undo.size() - 1; i >= 0; i--) {
            try {
                undo.get(i).run();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        undo.clear();
        if (first != null) {
            throw first;
        }
    }

    /** The logical block size the kernel gives block device {@code dev}. */
    static int logicalBlockSize(Path dev) throws IOException {
        Path attr = Path.of("/sys/block", dev.getFileName().toString(), "queue/logical_block_size");
        return Integer.parseInt(Files.readString(attr).trim());
    }

    /**
     * What block device {@code dev} holds at {@code offset}: its page cache dropped first
     * ({@code blockdev --flushbufs}), since the target's bio back end writes past it.
     */
    static byte[] deviceBytes(Path dev, long offset, int length) throws IOException {
        run("/usr/sbin/blockdev", "--flushbufs", dev.toString());
        return NvmetConfig.fileBytes(dev, offset, length);
    }

    private static void awaitNode(Path dev) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(dev)) {
            if (System.nanoTime() - deadline > 0) {
                throw new IOException(dev + " did not appear within 10 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted waiting for " + dev, e);
            }
        }
    }

    private static String run(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed: " + out.trim());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running " + cmd[0], e);
        } finally {
            p.destroyForcibly();
        }
    }

    private static void write(Path attr, String value) throws IOException {
        Files.writeString(attr, value + "\n", StandardOpenOption.WRITE);
    }
}
