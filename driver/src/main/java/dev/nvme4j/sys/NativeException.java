package dev.nvme4j.sys;

import dev.nvme4j.sys.gen.NativeLib;

import java.util.Map;

/**
 * A failed system call: the call that failed, the {@code errno} it left and its symbolic name.
 *
 * <p>Unchecked on purpose: the native layer sits below the driver's own error model and a
 * failing {@code ioctl} or {@code mmap} is not something a caller in the middle of the stack
 * can recover from locally. The VFIO and device layers catch it at their boundary and wrap it
 * into their own exceptions, adding the context (device address, queue, ...) that only they
 * know. Keeping it unchecked also keeps {@link LibC} easy to mock and to call from cleanup code.
 *
 * <p>Instances are immutable and therefore thread-safe.
 */
public final class NativeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** errno value to {name, description}; descriptions match glibc's strerror() texts. */
    private static final Map<Integer, String[]> ERRNO = Map.ofEntries(
            entry(NativeLib.EPERM(), "EPERM", "Operation not permitted"),
            entry(NativeLib.ENOENT(), "ENOENT", "No such file or directory"),
            entry(NativeLib.EINTR(), "EINTR", "Interrupted system call"),
            entry(NativeLib.EIO(), "EIO", "Input/output error"),
            entry(NativeLib.ENXIO(), "ENXIO", "No such device or address"),
            entry(NativeLib.EBADF(), "EBADF", "Bad file descriptor"),
            entry(NativeLib.EAGAIN(), "EAGAIN", "Resource temporarily unavailable"),
            entry(NativeLib.ENOMEM(), "ENOMEM", "Cannot allocate memory"),
            entry(NativeLib.EACCES(), "EACCES", "Permission denied"),
            entry(NativeLib.EFAULT(), "EFAULT", "Bad address"),
            entry(NativeLib.EBUSY(), "EBUSY", "Device or resource busy"),
            entry(NativeLib.EEXIST(), "EEXIST", "File exists"),
            entry(NativeLib.ENODEV(), "ENODEV", "No such device"),
            entry(NativeLib.EINVAL(), "EINVAL", "Invalid argument"),
            entry(NativeLib.ENFILE(), "ENFILE", "Too many open files in system"),
            entry(NativeLib.EMFILE(), "EMFILE", "Too many open files"),
            entry(NativeLib.ENOTTY(), "ENOTTY", "Inappropriate ioctl for device"),
            entry(NativeLib.ENOSPC(), "ENOSPC", "No space left on device"),
            entry(NativeLib.ENOSYS(), "ENOSYS", "Function not implemented"),
            entry(NativeLib.EOPNOTSUPP(), "EOPNOTSUPP", "Operation not supported"),
            entry(NativeLib.ETIMEDOUT(), "ETIMEDOUT", "Connection timed out"));

    /** errno value of EPERM; public constants so callers need not touch the generated code. */
    public static final int EPERM = NativeLib.EPERM();
    /** errno value of ENOENT. */
    public static final int ENOENT = NativeLib.ENOENT();
    /** errno value of EINTR. */
    public static final int EINTR = NativeLib.EINTR();
    /** errno value of EIO. */
    public static final int EIO = NativeLib.EIO();
    /** errno value of EAGAIN (also EWOULDBLOCK on Linux). */
    public static final int EAGAIN = NativeLib.EAGAIN();
    /** errno value of ENOMEM. */
    public static final int ENOMEM = NativeLib.ENOMEM();
    /** errno value of EACCES. */
    public static final int EACCES = NativeLib.EACCES();
    /** errno value of EBUSY. */
    public static final int EBUSY = NativeLib.EBUSY();
    /** errno value of ENODEV. */
    public static final int ENODEV = NativeLib.ENODEV();
    /** errno value of EINVAL. */
    public static final int EINVAL = NativeLib.EINVAL();
    /** errno value of ENOTTY. */
    public static final int ENOTTY = NativeLib.ENOTTY();

    private final String op;
    private final int errno;

    /**
     * @param op    the failed call as it should appear in messages, e.g. {@code "ioctl(VFIO_SET_IOMMU)"}
     * @param errno the {@code errno} captured right after the call
     */
    public NativeException(String op, int errno) {
        super(message(op, errno));
        this.op = op;
        this.errno = errno;
    }

    /** {@return the failed call, e.g. {@code open(/dev/vfio/vfio)} or {@code ioctl(VFIO_SET_IOMMU)}} */
    public String op() {
        return op;
    }

    /** {@return the captured errno value} */
    public int errno() {
        return errno;
    }

    /** {@return the symbolic errno name, e.g. {@code EBUSY}, or {@code "errno N"} if unknown} */
    public String errnoName() {
        return errnoName(errno);
    }

    /** {@return the symbolic name of {@code errno}, or {@code "errno N"} if it is not in the table} */
    public static String errnoName(int errno) {
        String[] known = ERRNO.get(errno);
        return known != null ? known[0] : "errno " + errno;
    }

    /** {@return the human-readable description of {@code errno}, or {@code "Unknown error N"}} */
    public static String describe(int errno) {
        String[] known = ERRNO.get(errno);
        return known != null ? known[1] : "Unknown error " + errno;
    }

    private static String message(String op, int errno) {
        return op + " failed: " + errnoName(errno) + " (errno " + errno + "): " + describe(errno);
    }

    private static Map.Entry<Integer, String[]> entry(int errno, String name, String description) {
        return Map.entry(errno, new String[] {name, description});
    }
}
