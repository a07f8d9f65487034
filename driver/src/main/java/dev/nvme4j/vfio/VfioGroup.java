package dev.nvme4j.vfio;

/**
 * An open IOMMU group ({@code /dev/vfio/N}) attached to the process's container. Functions of
 * the same group share one instance; the registry counts its users and closes it with the last.
 *
 * <p>Guarded by the registry's lock.
 */
final class VfioGroup {
    private final int number;
    private final int fd;
    private final boolean noIommu;
    private int users;

    VfioGroup(int number, int fd, boolean noIommu) {
        this.number = number;
        this.fd = fd;
        this.noIommu = noIommu;
    }

    int number() {
        return number;
    }

    int fd() {
        return fd;
    }

    boolean noIommu() {
        return noIommu;
    }

    int users() {
        return users;
    }

    void retain() {
        users++;
    }

    /** {@return true when this was the last user} */
    boolean release() {
        return --users == 0;
    }

    @Override
    public String toString() {
        return "VfioGroup[" + number + (noIommu ? ", no-IOMMU" : "") + ", fd=" + fd + ", users=" + users + "]";
    }
}
