package dev.nvme4j.mock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file; bytes beyond its end read as zeros. I/O errors surface as {@link UncheckedIOException},
 * which {@link IoCommands} turns into the command's error status.
 */
final class FileStore implements BlockStore {
    private final FileChannel ch;
    private final Path path;

    FileStore(Path path) {
        this.path = path;
        try {
            ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("opening the mock namespace file " + path + ": " + reason(e), e);
        }
    }

    /** What went wrong, in words: the file system's reason rather than the path again. */
    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "its directory does not exist";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    @Override
    public void read(long off, MemorySegment dst, long dstOff, long len) {
        ByteBuffer bb = dst.asSlice(dstOff, len).asByteBuffer();
        try {
            while (bb.hasRemaining()) {
                int n = ch.read(bb, off + bb.position());
                if (n < 0) {
                    Zeros.fill(dst, dstOff + bb.position(), bb.remaining());
                    return;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path, e);
        }
    }

    @Override
    public void write(long off, MemorySegment src, long srcOff, long len) {
        ByteBuffer bb = src.asSlice(srcOff, len).asByteBuffer();
        try {
            while (bb.hasRemaining()) {
                ch.write(bb, off + bb.position());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + path, e);
        }
    }

    @Override
    public void zero(long off, long len) {
        try {
            long size = ch.size();
            ByteBuffer z = ByteBuffer.allocate((int) Math.min(len, 1 << 16));
            for (long done = 0; done < len && off + done < size; ) {
                z.clear().limit((int) Math.min(z.capacity(), len - done));
                done += ch.write(z, off + done);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("zeroing " + path, e);
        }
    }

    @Override
    public void flush() {
        try {
            ch.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("flushing " + path, e);
        }
    }

    @Override
    public void close() {
        try {
            ch.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing " + path, e);
        }
    }
}
