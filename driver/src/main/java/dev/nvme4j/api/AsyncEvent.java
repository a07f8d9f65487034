package dev.nvme4j.api;

/**
 * An asynchronous event reported by the controller (NVMe Base Specification 2.0, section
 * 5.2, figures 146-150), with the log page it points at already read. Immutable (do not
 * modify the log page array) and safe to hand to other threads.
 *
 * @param type       Asynchronous Event Type (0 error, 1 SMART/health, 2 notice, 6 I/O command set, 7 vendor)
 * @param info       Asynchronous Event Information
 * @param logPageId  the log page to read to clear the event
 * @param logPage    that page's bytes (empty if reading it failed)
 */
public record AsyncEvent(int type, int info, int logPageId, byte[] logPage) {
    public static final int TYPE_ERROR = 0;
    public static final int TYPE_SMART_HEALTH = 1;
    public static final int TYPE_NOTICE = 2;
    /** Notice information 0: namespace attribute changed. */
    public static final int NOTICE_NAMESPACE_ATTRIBUTE_CHANGED = 0;
}
