package dev.nvme4j.sys;

import dev.nvme4j.sys.gen.NativeLib;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Calls the real C library through {@link LibC#system()}. */
class LibCTest {

    private final LibC libc = LibC.system();

    @Test
    void failingIoctlReportsEnottyWithCallNameAndErrno() {
        int fd = libc.open("/dev/null", NativeLib.O_RDWR() | NativeLib.O_CLOEXEC());
        try {
            NativeException e = assertThrows(NativeException.class,
                    () -> libc.ioctl(fd, VfioIoctls.VFIO_GROUP_SET_CONTAINER, 0L));
            assertEquals(NativeException.ENOTTY, e.errno());
            assertEquals(25, e.errno(), "ENOTTY is 25 on Linux");
            assertEquals("ENOTTY", e.errnoName());
            assertEquals("ioctl(VFIO_GROUP_SET_CONTAINER)", e.op());
            assertEquals("ioctl(VFIO_GROUP_SET_CONTAINER) failed: ENOTTY (errno 25): "
                    + "Inappropriate ioctl for device", e.getMessage());
        } finally {
            libc.close(fd);
        }
    }

    @Test
    void failingPointerIoctlAlsoCapturesErrno() {
        int fd = libc.open("/dev/null", NativeLib.O_RDWR());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment arg = arena.allocate(ValueLayout.JAVA_INT);
            NativeException e = assertThrows(NativeException.class,
                    () -> libc.ioctl(fd, VfioIoctls.VFIO_GET_API_VERSION, arg));
            assertEquals("ENOTTY", e.errnoName());
            assertTrue(e.getMessage().startsWith("ioctl(VFIO_GET_API_VERSION) failed"), e.getMessage());
        } finally {
            libc.close(fd);
        }
    }

    @Test
    void openOfMissingPathIsEnoent(@TempDir Path dir) {
        String missing = dir.resolve("no-such-file").toString();
        NativeException e = assertThrows(NativeException.class, () -> libc.open(missing, NativeLib.O_RDONLY()));
        assertEquals(NativeException.ENOENT, e.errno());
        assertEquals("ENOENT", e.errnoName());
        assertEquals("open(" + missing + ")", e.op());
        assertTrue(e.getMessage().contains("No such file or directory"), e.getMessage());
    }

    @Test
    void closeOfBadFdIsEbadf() {
        NativeException e = assertThrows(NativeException.class, () -> libc.close(-1));
        assertEquals("EBADF", e.errnoName());
    }

    @Test
    void anonymousMmapIsWritableAndReadable() {
        long length = 2 * PageSize.get();
        MemorySegment mem = libc.mmap(MemorySegment.NULL, length,
                NativeLib.PROT_READ() | NativeLib.PROT_WRITE(),
                NativeLib.MAP_PRIVATE() | NativeLib.MAP_ANONYMOUS(), -1, 0);
        try {
            assertEquals(length, mem.byteSize());
            assertEquals(0, mem.address() % PageSize.get(), "mappings are page-aligned");
            assertEquals(0L, mem.get(ValueLayout.JAVA_LONG, 8), "anonymous memory starts zeroed");
            mem.set(ValueLayout.JAVA_LONG, 8, 0x1122_3344_5566_7788L);
            mem.set(ValueLayout.JAVA_INT, length - 4, 0xCAFEBABE);
            assertEquals(0x1122_3344_5566_7788L, mem.get(ValueLayout.JAVA_LONG, 8));
            assertEquals(0xCAFEBABE, mem.get(ValueLayout.JAVA_INT, length - 4));
        } finally {
            assertEquals(0, libc.munmap(mem, length));
        }
    }

    @Test
    void mmapFailureIsReported() {
        NativeException e = assertThrows(NativeException.class, () -> libc.mmap(MemorySegment.NULL, 0,
                NativeLib.PROT_READ(), NativeLib.MAP_PRIVATE() | NativeLib.MAP_ANONYMOUS(), -1, 0));
        assertEquals("mmap", e.op());
        assertEquals("EINVAL", e.errnoName());
    }

    @Test
    void preadAndPwriteUseTheGivenOffset(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("data");
        Files.writeString(file, "0123456789");
        int fd = libc.open(file.toString(), NativeLib.O_RDWR());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(3);
            assertEquals(3, libc.pread(fd, buf, 4));
            assertEquals("456", new String(buf.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII));
            MemorySegment xyz = arena.allocateFrom("xyz").asSlice(0, 3);
            assertEquals(3, libc.pwrite(fd, xyz, 7));
        } finally {
            libc.close(fd);
        }
        assertEquals("0123456xyz", Files.readString(file));
    }

    @Test
    void pageSizeAndMemlockLimitsAreSane() {
        long page = PageSize.get();
        assertTrue(page >= 4096 && Long.bitCount(page) == 1, "page size " + page);
        ResourceLimit memlock = Memlock.limits();
        assertTrue(memlock.hard() == ResourceLimit.UNLIMITED
                || Long.compareUnsigned(memlock.soft(), memlock.hard()) <= 0, memlock.toString());
    }

    @Test
    void errnoIsCapturedPerThread() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Callable<String> ioctls = () -> repeatFailure(() -> {
                int fd = libc.open("/dev/null", NativeLib.O_RDWR());
                try {
                    libc.ioctl(fd, VfioIoctls.VFIO_DEVICE_RESET, 0L);
                } finally {
                    libc.close(fd);
                }
            }, "ENOTTY");
            Callable<String> opens = () -> repeatFailure(() -> libc.open("/nonexistent/nvme4j", 0), "ENOENT");
            Future<String> a = pool.submit(ioctls);
            Future<String> b = pool.submit(opens);
            assertEquals("ENOTTY", a.get());
            assertEquals("ENOENT", b.get());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Runs a failing call many times; returns the errno name if it was always {@code expected}. */
    private static String repeatFailure(Runnable call, String expected) {
        for (int i = 0; i < 2_000; i++) {
            try {
                call.run();
                return "no failure";
            } catch (NativeException e) {
                if (!e.errnoName().equals(expected)) {
                    return e.errnoName() + " at iteration " + i;
                }
            }
        }
        return expected;
    }
}
