package dev.nvme4j.sys;

import java.lang.foreign.MemorySegment;

/**
 * The C library calls the driver makes, as a Java interface so that everything above this
 * layer can be tested with a mock or a fake instead of the real kernel.
 *
 * <p>Every method returns the raw, non-error result of the call and throws
 * {@link NativeException} (carrying the {@code errno} captured right after the call) when the
 * call reports failure. Nothing here retries on {@code EINTR}: callers that can be interrupted
 * (poll, read) decide themselves, since only they know their deadline.
 *
 * <p>Parameters have the names and meaning of the C prototype quoted on each method; buffer
 * lengths are taken from the segments' sizes.
 *
 * <p>Implementations must be thread-safe; {@link #system()} is.
 */
public interface LibC {

    /** {@return the implementation that calls the C library of this process (a stateless singleton)} */
    static LibC system() {
        return SystemLibC.INSTANCE;
    }

    /**
     * {@code int open(const char *path, int flags)}; no {@code O_CREAT}, so no mode.
     *
     * @return the new fd
     */
    int open(String path, int flags);

    /**
     * {@code int close(int fd)}.
     *
     * @return 0
     */
    int close(int fd);

    /**
     * {@code int ioctl(int fd, unsigned long request, void *arg)}: for requests taking a pointer.
     * Errors name the request through {@link VfioIoctls#nameOf(long)}.
     *
     * @return the non-negative result (meaning depends on the request)
     */
    int ioctl(int fd, long request, MemorySegment arg);

    /**
     * {@code int ioctl(int fd, unsigned long request, unsigned long arg)}: for requests taking an
     * integer or nothing (pass 0).
     *
     * @return the non-negative result (meaning depends on the request)
     */
    int ioctl(int fd, long request, long arg);

    /**
     * {@code void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)}.
     *
     * @return the mapping, as a segment of {@code length} bytes not bound to any arena: the
     *     caller owns it and must {@link #munmap} it
     */
    MemorySegment mmap(MemorySegment addr, long length, int prot, int flags, int fd, long offset);

    /**
     * {@code int munmap(void *addr, size_t length)}.
     *
     * @return 0
     */
    int munmap(MemorySegment addr, long length);

    /**
     * {@code int eventfd(unsigned int initval, int flags)}.
     *
     * @return the new fd
     */
    int eventfd(int initval, int flags);

    /**
     * {@code ssize_t read(int fd, void *buf, size_t count)}, {@code count = buf.byteSize()}.
     *
     * @return bytes read
     */
    long read(int fd, MemorySegment buf);

    /**
     * {@code ssize_t write(int fd, const void *buf, size_t count)}, {@code count = buf.byteSize()}.
     *
     * @return bytes written
     */
    long write(int fd, MemorySegment buf);

    /**
     * {@code ssize_t pread(int fd, void *buf, size_t count, off_t offset)}.
     *
     * @return bytes read
     */
    long pread(int fd, MemorySegment buf, long offset);

    /**
     * {@code ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset)}.
     *
     * @return bytes written
     */
    long pwrite(int fd, MemorySegment buf, long offset);

    /**
     * {@code int poll(struct pollfd *fds, nfds_t nfds, int timeout)}.
     *
     * @param fds an array of {@code struct pollfd} (see {@code dev.nvme4j.sys.gen.pollfd})
     * @return the number of ready fds, 0 on timeout
     */
    int poll(MemorySegment fds, long nfds, int timeoutMillis);

    /**
     * {@code int mlock(const void *addr, size_t len)}.
     *
     * @return 0
     */
    int mlock(MemorySegment addr, long length);

    /**
     * {@code int munlock(const void *addr, size_t len)}.
     *
     * @return 0
     */
    int munlock(MemorySegment addr, long length);

    /**
     * {@code long sysconf(int name)}; -1 (indeterminate or invalid) is reported as failure.
     *
     * @return the value
     */
    long sysconf(int name);

    /**
     * {@code int getrlimit(int resource, struct rlimit *rlim)}.
     *
     * @return the soft and hard limits
     */
    ResourceLimit getrlimit(int resource);
}
