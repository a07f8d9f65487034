package dev.nvme4j.sys;

import dev.nvme4j.sys.gen.NativeLib;
import dev.nvme4j.sys.gen.rlimit;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * {@link LibC} over the process's C library, through downcall handles that capture
 * {@code errno}.
 *
 * <p><b>Why the handles are built here and not taken from the generated code:</b> jextract
 * has no option to add {@link Linker.Option#captureCallState} to the handles it generates,
 * and reading {@code errno} with a second downcall after the first is unreliable (the JVM may
 * run native code in between that overwrites it). So this class reuses what jextract does
 * provide, each function's symbol address ({@code NativeLib.x$address()}) and C signature
 * ({@code NativeLib.x$descriptor()}), and links its own handles with
 * {@code captureCallState("errno")}. For the variadic {@code open} and {@code ioctl}, jextract
 * offers an invoker factory; its {@code makeInvoker(layouts).descriptor()} gives the full
 * signature for the chosen variadic argument types, and the handle is linked with
 * {@link Linker.Option#firstVariadicArg} so the call follows the variadic calling convention.
 *
 * <p><b>errno state:</b> the capture buffer is thread-confined: each thread gets its own
 * buffer from a {@link ThreadLocal} and reads it right after its own call. A shared static
 * buffer would let concurrent calls overwrite each other's errno; a per-call arena would cost
 * an allocation on every call, including the eventfd reads on the interrupt path.
 *
 * <p>Stateless apart from those per-thread buffers; thread-safe.
 */
final class SystemLibC implements LibC {

    static final SystemLibC INSTANCE = new SystemLibC();

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final long ERRNO_OFFSET = Linker.Option.captureStateLayout()
            .byteOffset(MemoryLayout.PathElement.groupElement("errno"));
    private static final ThreadLocal<MemorySegment> CALL_STATE = ThreadLocal.withInitial(
            () -> Arena.ofAuto().allocate(Linker.Option.captureStateLayout()));
    private static final long MAP_FAILED = NativeLib.MAP_FAILED().address();

    private static final MethodHandle OPEN = variadic(NativeLib.open.address(),
            NativeLib.open.makeInvoker().descriptor(), 0);
    private static final MethodHandle IOCTL_PTR = variadic(NativeLib.ioctl.address(),
            NativeLib.ioctl.makeInvoker(NativeLib.C_POINTER).descriptor(), 1);
    private static final MethodHandle IOCTL_LONG = variadic(NativeLib.ioctl.address(),
            NativeLib.ioctl.makeInvoker(NativeLib.C_LONG).descriptor(), 1);
    private static final MethodHandle CLOSE = fixed(NativeLib.close$address(), NativeLib.close$descriptor());
    private static final MethodHandle MMAP = fixed(NativeLib.mmap$address(), NativeLib.mmap$descriptor());
    private static final MethodHandle MUNMAP = fixed(NativeLib.munmap$address(), NativeLib.munmap$descriptor());
    private static final MethodHandle EVENTFD = fixed(NativeLib.eventfd$address(), NativeLib.eventfd$descriptor());
    private static final MethodHandle READ = fixed(NativeLib.read$address(), NativeLib.read$descriptor());
    private static final MethodHandle WRITE = fixed(NativeLib.write$address(), NativeLib.write$descriptor());
    private static final MethodHandle PREAD = fixed(NativeLib.pread$address(), NativeLib.pread$descriptor());
    private static final MethodHandle PWRITE = fixed(NativeLib.pwrite$address(), NativeLib.pwrite$descriptor());
    private static final MethodHandle POLL = fixed(NativeLib.poll$address(), NativeLib.poll$descriptor());
    private static final MethodHandle MLOCK = fixed(NativeLib.mlock$address(), NativeLib.mlock$descriptor());
    private static final MethodHandle MUNLOCK = fixed(NativeLib.munlock$address(), NativeLib.munlock$descriptor());
    private static final MethodHandle SYSCONF = fixed(NativeLib.sysconf$address(), NativeLib.sysconf$descriptor());
    private static final MethodHandle GETRLIMIT = fixed(NativeLib.getrlimit$address(), NativeLib.getrlimit$descriptor());

    private SystemLibC() {
    }

    @Override
    public int open(String path, int flags) {
        MemorySegment state = CALL_STATE.get();
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        return checked(fd, state, "open(" + path + ")");
    }

    @Override
    public int close(int fd) {
        MemorySegment state = CALL_STATE.get();
        int r;
        try {
            r = (int) CLOSE.invokeExact(state, fd);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        return checked(r, state, "close");
    }

    @Override
    public int ioctl(int fd, long request, MemorySegment arg) {
        MemorySegment state = CALL_STATE.get();
        int r;
        try {
            r = (int) IOCTL_PTR.invokeExact(state, fd, request, arg);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (r == -1) {
            throw failure("ioctl(" + VfioIoctls.nameOf(request) + ")", state);
        }
        return r;
    }

    @Override
    public int ioctl(int fd, long request, long arg) {
        MemorySegment state = CALL_STATE.get();
        int r;
        try {
            r = (int) IOCTL_LONG.invokeExact(state, fd, request, arg);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (r == -1) {
            throw failure("ioctl(" + VfioIoctls.nameOf(request) + ")", state);
        }
        return r;
    }

    @Override
    public MemorySegment mmap(MemorySegment addr, long length, int prot, int flags, int fd, long offset) {
        MemorySegment state = CALL_STATE.get();
        MemorySegment mapped;
        try {
            mapped = (MemorySegment) MMAP.invokeExact(state, addr, length, prot, flags, fd, offset);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (mapped.address() == MAP_FAILED) {
            throw failure("mmap", state);
        }
        // The raw result is a zero-length segment; give it the size of the mapping. It stays
        // unbound to any arena because its lifetime ends with munmap, which the caller owns.
        return mapped.reinterpret(length);
    }

    @Override
    public int munmap(MemorySegment addr, long length) {
        MemorySegment state = CALL_STATE.get();
        int r;
        try {
            r = (int) MUNMAP.invokeExact(state, addr, length);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        return checked(r, state, "munmap");
    }

    @Override
    public int eventfd(int initval, int flags) {
        MemorySegment state = CALL_STATE.get();
        int fd;
        try {
            fd = (int) EVENTFD.invokeExact(state, initval, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        return checked(fd, state, "eventfd");
    }

    @Override
    public long read(int fd, MemorySegment buf) {
        MemorySegment state = CALL_STATE.get();
        long n;
        try {
            n = (long) READ.invokeExact(state, fd, buf, buf.byteSize());
        } catch (Throwable t) {
            throw unexpected(t);
        }
        return checked(n, state, "read");
    }

    @Override
    public long write(int fd, MemorySegment buf) {
        MemorySegment state = CALL_STATE.get();
        long n;
        try {
            n = (long) WRITE.invokeExact(state, fd, buf, buf.byteSize());
        } catch (Throwable t) {
            throw unexpected(t);
        }
        return checked(n, state, "write");
    }

    @Override
    public long pread(int fd, MemorySegment buf, long offset) {
        MemorySegment state = CALL_STATE.get();
        long n;
        try {
            n = (long) PREAD.invokeExact(state, fd, buf, buf.byteSize(), offset);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        return checked(n, state, "pread");
    }

    @Override
    public long pwrite(int fd, MemorySegment buf, long offset) {
        MemorySegment state = CALL_STATE.get();
        long n;
        try {
            n = (long) PWRITE.invokeExact(state, fd, buf, buf.byteSize(), offset);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        return checked(n, state, "pwrite");
    }

    @Override
    public int poll(MemorySegment fds, long nfds, int timeoutMillis) {
        MemorySegment state = CALL_STATE.get();
        int r;
        try {
            r = (int) POLL.invokeExact(state, fds, nfds, timeoutMillis);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        return checked(r, state, "poll");
    }

    @Override
    public int mlock(MemorySegment addr, long length) {
        MemorySegment state = CALL_STATE.get();
        int r;
        try {
            r = (int) MLOCK.invokeExact(state, addr, length);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        return checked(r, state, "mlock");
    }

    @Override
    public int munlock(MemorySegment addr, long length) {
        MemorySegment state = CALL_STATE.get();
        int r;
        try {
            r = (int) MUNLOCK.invokeExact(state, addr, length);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        return checked(r, state, "munlock");
    }

    @Override
    public long sysconf(int name) {
        MemorySegment state = CALL_STATE.get();
        long value;
        try {
            value = (long) SYSCONF.invokeExact(state, name);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        return checked(value, state, "sysconf(" + name + ")");
    }

    @Override
    public ResourceLimit getrlimit(int resource) {
        MemorySegment state = CALL_STATE.get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment limit = arena.allocate(rlimit.layout());
            int r;
            try {
                r = (int) GETRLIMIT.invokeExact(state, resource, limit);
            } catch (Throwable t) {
                throw unexpected(t);
            }
            checked(r, state, "getrlimit(" + resource + ")");
            return new ResourceLimit(rlimit.rlim_cur(limit), rlimit.rlim_max(limit));
        }
    }

    private static MethodHandle fixed(MemorySegment address, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(address, descriptor, CAPTURE_ERRNO);
    }

    /**
     * Links a variadic function. {@code variadicCount} is how many trailing layouts of
     * {@code descriptor} are variadic arguments (the invoker appended them after the fixed ones).
     */
    private static MethodHandle variadic(MemorySegment address, FunctionDescriptor descriptor, int variadicCount) {
        int firstVariadic = descriptor.argumentLayouts().size() - variadicCount;
        return LINKER.downcallHandle(address, descriptor,
                Linker.Option.firstVariadicArg(firstVariadic), CAPTURE_ERRNO);
    }

    private static int checked(int result, MemorySegment state, String op) {
        if (result == -1) {
            throw failure(op, state);
        }
        return result;
    }

    private static long checked(long result, MemorySegment state, String op) {
        if (result == -1) {
            throw failure(op, state);
        }
        return result;
    }

    private static NativeException failure(String op, MemorySegment state) {
        return new NativeException(op, state.get(ValueLayout.JAVA_INT, ERRNO_OFFSET));
    }

    /** Downcalls throw nothing checked; anything else is a linkage bug, not a C failure. */
    private static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("downcall failed unexpectedly", t);
    }
}
