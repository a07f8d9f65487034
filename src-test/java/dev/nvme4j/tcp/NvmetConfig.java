package dev.nvme4j.tcp;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * An nvmet-tcp target set up through configfs for the VM tests, as one would by hand: a subsystem
 * open to any host with one file-backed namespace (buffered I/O: tmpfs takes no O_DIRECT, and
 * the test can read what landed), linked into TCP ports on 127.0.0.1. Everything made is
 * removed again, newest first, by {@link #tearDown()}.
 */
final class NvmetConfig {
    static final Path NVMET = Path.of("/sys/kernel/config/nvmet");

    final String nqn;
    /** Namespace 1's backing file; null for a subsystem made without one. */
    final Path backing;
    final Path subsys;
    private final List<Path> created = new ArrayList<>();

    /** The subsystem {@code nqn} with namespace 1 on a new file of {@code bytes} at {@code backing}. */
    NvmetConfig(String nqn, Path backing, long bytes) throws IOException {
        this.nqn = nqn;
        this.backing = backing;
        try (RandomAccessFile f = new RandomAccessFile(backing.toFile(), "rw")) {
            f.setLength(bytes);
        }
        subsys = subsystem(nqn);
        namespace(1, backing, true);
    }

    /** The subsystem {@code nqn} without namespaces: add them with {@link #namespace}. */
    NvmetConfig(String nqn) throws IOException {
        this.nqn = nqn;
        this.backing = null;
        subsys = subsystem(nqn);
    }

    private Path subsystem(String name) throws IOException {
        Path s = mkdir(NVMET.resolve("subsystems").resolve(name));
        write(s.resolve("attr_allow_any_host"), "1");
        return s;
    }

    /**
     * Namespace {@code nsid} on {@code device}: a file (nvmet's file back end, page-cache I/O with
     * {@code bufferedIo}) or a block device (its bio back end, LBA size = the device's logical block size).
     */
    void namespace(int nsid, Path device, boolean bufferedIo) throws IOException {
        Path ns = mkdir(subsys.resolve("namespaces").resolve(Integer.toString(nsid)));
        write(ns.resolve("device_path"), device.toString());
        if (bufferedIo) {
            write(ns.resolve("buffered_io"), "1");
        }
        write(ns.resolve("enable"), "1");
    }

    /** Port {@code id} on 127.0.0.1:{@code trsvcid} with the subsystem linked into it. */
    void port(int id, int trsvcid) throws IOException {
        Path port = mkdir(NVMET.resolve("ports").resolve(Integer.toString(id)));
        write(port.resolve("addr_trtype"), "tcp");
        write(port.resolve("addr_adrfam"), "ipv4");
        write(port.resolve("addr_traddr"), "127.0.0.1");
        write(port.resolve("addr_trsvcid"), Integer.toString(trsvcid));
        link(id);
    }

    Path linkPath(int portId) {
        return NVMET.resolve("ports").resolve(Integer.toString(portId)).resolve("subsystems").resolve(nqn);
    }

    /** Links the subsystem into port {@code portId} (again); a no-op when it is linked. */
    void link(int portId) throws IOException {
        Path link = linkPath(portId);
        if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(link, subsys);
            created.add(link);
        }
    }

    /** Removes the subsystem from port {@code portId}: its connections there end. */
    void unlink(int portId) throws IOException {
        Path link = linkPath(portId);
        Files.deleteIfExists(link);
        created.remove(link);
    }

    void tearDown() throws IOException {
        for (int i = created.size() - 1; i >= 0; i--) {
            Path p = created.get(i);
            if (p.getParent().getFileName().toString().equals("namespaces")) {
                write(p.resolve("enable"), "0");
            }
            Files.deleteIfExists(p);
        }
        created.clear();
        if (backing != null) {
            Files.deleteIfExists(backing);
        }
    }

    /** What the backing file holds at {@code offset}. */
    byte[] backingBytes(long offset, int length) throws IOException {
        return fileBytes(backing, offset, length);
    }

    /** What {@code file} holds at {@code offset} (through the page cache that nvmet's file back end and loop write into). */
    static byte[] fileBytes(Path file, long offset, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (b.hasRemaining() && ch.read(b, offset + b.position()) > 0) {
                // keep reading
            }
        }
        return b.array();
    }

    private Path mkdir(Path p) throws IOException {
        Files.createDirectory(p);
        created.add(p);
        return p;
    }

    private static void write(Path attr, String value) throws IOException {
        Files.writeString(attr, value + "\n", StandardOpenOption.WRITE);
    }
}
