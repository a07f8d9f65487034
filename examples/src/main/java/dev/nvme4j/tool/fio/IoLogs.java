package dev.nvme4j.tool.fio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A job's fio-format logs ({@code write_lat_log}, {@code write_bw_log}, {@code write_iops_log}):
 * rows of {@code time (ms), value, direction (0 read, 1 write), block size, [offset,] priority}.
 * Latency values are ns, bandwidth KiB/s, IOPS per second. Without {@code log_avg_msec} every
 * I/O is a row; with it, one row per direction and window holds the window's average (block
 * size 0). Files are {@code PREFIX_TYPE.N.log} (N: the job's number from 1) or, with
 * {@code per_job_logs=0}, {@code PREFIX_TYPE.log}.
 *
 * <p>Rows are formatted into a buffer without allocating and written as it fills. Not
 * thread-safe: the job's thread only.
 */
final class IoLogs implements AutoCloseable {
    /** One log file with its window accumulators. */
    private static final class Log {
        private final FileChannel ch;
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        private final long[] sum = new long[2];
        private final long[] count = new long[2];

        Log(Path path) throws IOException {
            ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        }

        void row(long ms, long value, int dir, long bs, long offset) {
            if (buf.remaining() < 128) {
                drain();
            }
            number(ms);
            sep();
            number(value);
            sep();
            number(dir);
            sep();
            number(bs);
            sep();
            if (offset >= 0) {
                number(offset);
                sep();
            }
            buf.put((byte) '0').put((byte) '\n');
        }

        private void sep() {
            buf.put((byte) ',').put((byte) ' ');
        }

        private void number(long v) {
            if (v < 0) {
                buf.put((byte) '-');
                v = -v;
            }
            long div = 1;
            while (v / div >= 10) {
                div *= 10;
            }
            for (; div > 0; div /= 10) {
                buf.put((byte) ('0' + (v / div) % 10));
            }
        }

        void drain() {
            buf.flip();
            try {
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("writing a log: " + e.getMessage(), e);
            } finally {
                buf.clear();
            }
        }

        void close() {
            drain();
            try {
                ch.close();
            } catch (IOException e) {
                throw new UncheckedIOException("closing a log: " + e.getMessage(), e);
            }
        }
    }

    private static final int SLAT = 0;
    private static final int CLAT = 1;
    private static final int LAT = 2;
    private static final int BW = 3;
    private static final int IOPS = 4;
    private static final String[] TYPES = {"slat", "clat", "lat", "bw", "iops"};

    private final Log[] logs = new Log[TYPES.length];
    private final long windowNs;
    private final boolean offsets;
    private long startNs;
    private long windowEnd;
    private final long[] windowBytes = new long[2];

    private IoLogs(long windowNs, boolean offsets) {
        this.windowNs = windowNs;
        this.offsets = offsets;
    }

    /** The logs {@code o} asks for (null when none), for job number {@code number} (from 1). */
    static IoLogs open(ReportOptions o, String jobName, int number) {
        if (o.writeLatLog == null && o.writeBwLog == null && o.writeIopsLog == null) {
            return null;
        }
        IoLogs l = new IoLogs(o.logAvgMsec * 1_000_000L, o.logOffset);
        List<Path> opened = new ArrayList<>();
        try {
            for (int t = 0; t < TYPES.length; t++) {
                String prefix = t <= LAT ? o.writeLatLog : t == BW ? o.writeBwLog : o.writeIopsLog;
                if (prefix == null) {
                    continue;
                }
                String base = prefix.isEmpty() ? jobName : prefix;
                Path p = Path.of(base + "_" + TYPES[t] + (o.perJobLogs ? "." + number : "") + ".log");
                opened.add(p);
                l.logs[t] = new Log(p);
            }
        } catch (IOException e) {
            l.close();
            throw new IllegalStateException("cannot write log " + opened.get(opened.size() - 1) + ": " + e, e);
        }
        return l;
    }

    /** Times of rows count from {@code now}. */
    void start(long now) {
        startNs = now;
        windowEnd = now + windowNs;
    }

    /** One completed I/O. */
    void record(long now, boolean write, long slatNs, long clatNs, long latNs, int bytes, long offsetBytes) {
        int dir = write ? 1 : 0;
        if (windowNs == 0) {
            long ms = (now - startNs) / 1_000_000;
            long off = offsets ? offsetBytes : -1;
            row(SLAT, ms, slatNs, dir, bytes, off);
            row(CLAT, ms, clatNs, dir, bytes, off);
            row(LAT, ms, latNs, dir, bytes, off);
            row(BW, ms, latNs <= 0 ? 0 : bytes * 1_000_000_000L / 1024 / latNs, dir, bytes, off);
            row(IOPS, ms, 1, dir, bytes, off);
            return;
        }
        if (now >= windowEnd) {
            flushWindow(windowEnd);
            windowEnd += windowNs * Math.max(1, (now - windowEnd) / windowNs + 1);
        }
        add(SLAT, dir, slatNs);
        add(CLAT, dir, clatNs);
        add(LAT, dir, latNs);
        add(IOPS, dir, 1);
        windowBytes[dir] += bytes;
    }

    private void row(int type, long ms, long value, int dir, long bs, long off) {
        if (logs[type] != null) {
            logs[type].row(ms, value, dir, bs, off);
        }
    }

    private void add(int type, int dir, long value) {
        if (logs[type] != null) {
            logs[type].sum[dir] += value;
            logs[type].count[dir]++;
        }
    }

    private void flushWindow(long end) {
        long ms = (end - startNs) / 1_000_000;
        long off = offsets ? 0 : -1;
        for (int dir = 0; dir < 2; dir++) {
            for (int t = SLAT; t <= LAT; t++) {
                Log l = logs[t];
                if (l != null && l.count[dir] > 0) {
                    l.row(ms, l.sum[dir] / l.count[dir], dir, 0, off);
                }
            }
            if (logs[IOPS] != null && logs[IOPS].count[dir] > 0) {
                logs[IOPS].row(ms, logs[IOPS].count[dir] * 1_000_000_000L / windowNs, dir, 0, off);
            }
            if (logs[BW] != null && windowBytes[dir] > 0) {
                logs[BW].row(ms, windowBytes[dir] * 1_000_000_000L / 1024 / windowNs, dir, 0, off);
            }
            windowBytes[dir] = 0;
            for (Log l : logs) {
                if (l != null) {
                    l.sum[dir] = 0;
                    l.count[dir] = 0;
                }
            }
        }
    }

    /** Writes the last window (when windowed) and closes the files. */
    @Override
    public void close() {
        if (windowNs > 0 && startNs != 0) {
            flushWindow(windowEnd);
        }
        for (Log l : logs) {
            if (l != null) {
                l.close();
            }
        }
    }
}
