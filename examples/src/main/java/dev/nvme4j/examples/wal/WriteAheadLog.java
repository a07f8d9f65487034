package dev.nvme4j.examples.wal;

import dev.nvme4j.block.BlockDevice;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * An append-only write-ahead log with group commit on a {@link BlockDevice}: the reference for
 * embedding nvme4j in a storage application.
 *
 * <h2>Use</h2>
 * {@link #create} formats a range of blocks; {@link #open} scans it after a restart or crash,
 * hands every durable record to a callback in order, and continues after the last one.
 * {@link #append} may be called from any number of (virtual) threads; it returns once the record
 * is on media (written, then a Flush). Appends that arrive while a batch is being written are
 * collected and committed together by the next leader: one write and one flush for many records.
 *
 * <h2>Layout</h2>
 * Block 0 of the range is the header (magic, epoch, CRC-32C). Records follow from block 1,
 * each {@code magic, epoch, lsn, length, crc32c(epoch, lsn, length, payload), payload} (a header
 * never starts in a block's last 23 bytes: those stay zero); a batch begins on a block boundary
 * and is zero-padded to the next one. The epoch grows on every open,
 * so the recovery scan, which accepts only consecutive LSNs with non-decreasing epochs, never
 * revives records of a batch that was torn by a crash and later written over in part.
 *
 * <h2>Guarantee</h2>
 * A record whose {@code append} returned is recovered by every later {@link #open}. A record whose
 * {@code append} threw (the write or flush failed, or the device closed) may or may not be; if it
 * is, it is intact (its CRC matches). The scan reads the whole range, piece by piece; a real log
 * would checkpoint and reuse space, which this example leaves out.
 */
public final class WriteAheadLog implements AutoCloseable {
    /** A recovered record. */
    public record Entry(long lsn, byte[] payload) {
    }

    private static final int HEADER_MAGIC = 0x4857414C; // "LAWH"
    private static final int RECORD_MAGIC = 0x5257414C; // "LAWR"
    private static final int RECORD_HEADER = 24;
    private static final int MAX_PAYLOAD = 1 << 20;
    private static final Duration COMMIT_WAIT = Duration.ofSeconds(60);

    private final BlockDevice dev;
    private final long firstLba;
    private final long blocks;
    private final int bs;
    private final int epoch;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition committed = lock.newCondition();
    private List<byte[]> pending = new ArrayList<>();
    private long nextLsn;           // LSN of the next record handed to append
    private long durableLsn;        // every LSN below this is on media
    private long failedFrom = Long.MAX_VALUE; // LSNs from here on failed in a batch
    private RuntimeException failure;
    private boolean committing;
    private boolean closed;
    private long tailBlock;         // next free block, relative to the data area
    private long commits;           // batches written and flushed

    private WriteAheadLog(BlockDevice dev, long firstLba, long blocks, int epoch, long nextLsn, long tailBlock) {
        this.dev = dev;
        this.firstLba = firstLba;
        this.blocks = blocks;
        this.bs = dev.blockSize();
        this.epoch = epoch;
        this.nextLsn = nextLsn;
        this.durableLsn = nextLsn;
        this.tailBlock = tailBlock;
    }

    /** Formats {@code blocks} blocks at {@code firstLba} as an empty log (writes the header and zeroes the first record block). */
    public static WriteAheadLog create(BlockDevice dev, long firstLba, long blocks) {
        checkRange(dev, firstLba, blocks);
        writeHeader(dev, firstLba, 1);
        dev.write(firstLba + 1, MemorySegment.ofArray(new byte[dev.blockSize()]));
        dev.flush();
        return new WriteAheadLog(dev, firstLba, blocks, 1, 0, 0);
    }

    /**
     * Opens the log at {@code firstLba}: scans it, passes every durable record to {@code replay}
     * (in LSN order, on the calling thread), starts a new epoch and returns the log ready for
     * appends after the last record.
     *
     * @throws IllegalStateException when the range holds no log (no valid header)
     */
    public static WriteAheadLog open(BlockDevice dev, long firstLba, long blocks, Consumer<Entry> replay) {
        checkRange(dev, firstLba, blocks);
        int bs = dev.blockSize();
        byte[] h = new byte[bs];
        dev.read(firstLba, MemorySegment.ofArray(h));
        ByteBuffer hb = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
        int oldEpoch = hb.getInt(4);
        if (hb.getInt(0) != HEADER_MAGIC || hb.getInt(8) != crc(h, 0, 8)) {
            throw new IllegalStateException("no write-ahead log at LBA " + firstLba + " (no valid header): create one first");
        }
        // Scan: whole range, piece by piece.
        long dataBlocks = blocks - 1;
        long lsn = 0;
        int lastEpoch = 0;
        long pos = 0; // byte offset in the data area
        long end = dataBlocks * bs;
        Scanner sc = new Scanner(dev, firstLba + 1, end);
        while (pos + RECORD_HEADER <= end) {
            if (pos % bs != 0 && bs - pos % bs < RECORD_HEADER) { // no record header starts this late in a block
                pos = (pos / bs + 1) * bs;
                continue;
            }
            int magic = sc.getInt(pos);
            if (magic == 0 && pos % bs != 0) { // padding to the end of a batch's last block
                pos = (pos / bs + 1) * bs;
                continue;
            }
            if (magic != RECORD_MAGIC) {
                break;
            }
            int e = sc.getInt(pos + 4);
            long l = sc.getLong(pos + 8);
            int len = sc.getInt(pos + 16);
            int crc = sc.getInt(pos + 20);
            if (l != lsn || e < lastEpoch || e > oldEpoch || len < 0 || len > MAX_PAYLOAD
                    || pos + RECORD_HEADER + len > end) {
                break;
            }
            byte[] payload = sc.bytes(pos + RECORD_HEADER, len);
            if (recordCrc(e, l, payload) != crc) {
                break;
            }
            replay.accept(new Entry(l, payload));
            lsn++;
            lastEpoch = e;
            pos += RECORD_HEADER + len;
        }
        long tail = (pos + bs - 1) / bs;
        int epoch = oldEpoch + 1;
        writeHeader(dev, firstLba, epoch);
        dev.flush();
        return new WriteAheadLog(dev, firstLba, blocks, epoch, lsn, tail);
    }

    /**
     * Appends {@code payload} and returns its LSN once it is durable. Any thread; concurrent
     * appends are committed together (group commit). Waits at most a minute for its batch.
     *
     * @throws IllegalStateException when the log is closed or full
     * @throws RuntimeException what the write or flush of its batch failed with (the record is
     *     then not acknowledged)
     */
    public long append(byte[] payload) {
        if (payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("a record holds at most " + MAX_PAYLOAD + " bytes, got " + payload.length);
        }
        long deadline = System.nanoTime() + COMMIT_WAIT.toNanos();
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the log is closed");
            }
            long mine = nextLsn++;
            pending.add(payload);
            while (true) {
                if (mine >= failedFrom) {
                    throw new IllegalStateException("the batch of LSN " + mine + " was not committed", failure);
                }
                if (mine < durableLsn) {
                    return mine;
                }
                if (!committing) {
                    commitAsLeader(); // takes everything pending, including ours
                    continue;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("LSN " + mine + " was not committed within " + COMMIT_WAIT);
                }
                committed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the commit", e);
        } finally {
            lock.unlock();
        }
    }

    /** Lock held on entry and exit; released while the batch is written and flushed. */
    private void commitAsLeader() {
        List<byte[]> batch = pending;
        pending = new ArrayList<>();
        long first = durableLsn;
        committing = true;
        long startBlock = tailBlock;
        lock.unlock();
        RuntimeException error = null;
        long used = 0;
        try {
            long bytes = 0;
            for (byte[] p : batch) {
                bytes = headerStart(bytes) + RECORD_HEADER + p.length;
            }
            used = (bytes + bs - 1) / bs;
            if (1 + startBlock + used > blocks) {
                throw new IllegalStateException("the log is full (" + blocks + " blocks)");
            }
            ByteBuffer b = ByteBuffer.allocate((int) (used * bs)).order(ByteOrder.LITTLE_ENDIAN);
            long lsn = first;
            for (byte[] p : batch) {
                b.position((int) headerStart(b.position()));
                b.putInt(RECORD_MAGIC).putInt(epoch).putLong(lsn).putInt(p.length)
                        .putInt(recordCrc(epoch, lsn, p)).put(p);
                lsn++;
            }
            dev.write(firstLba + 1 + startBlock, MemorySegment.ofArray(b.array()));
            dev.flush();
        } catch (RuntimeException e) {
            error = e;
        } finally {
            lock.lock();
        }
        committing = false;
        if (error == null) {
            tailBlock = startBlock + used;
            commits++;
            durableLsn = first + batch.size();
        } else {
            // Nothing after a failed batch can be acknowledged: the log stops here.
            failedFrom = Math.min(failedFrom, first);
            failure = error;
            closed = true;
        }
        committed.signalAll();
    }

    /** Where a record header may start at or after {@code pos}: never in the last 23 bytes of a block. */
    private long headerStart(long pos) {
        long room = bs - pos % bs;
        return room < RECORD_HEADER ? pos + room : pos;
    }

    /** Batches committed (one write and one flush each) since open. Any thread. */
    public long commits() {
        lock.lock();
        try {
            return commits;
        } finally {
            lock.unlock();
        }
    }

    /** LSN the next record gets. Any thread. */
    public long nextLsn() {
        lock.lock();
        try {
            return nextLsn;
        } finally {
            lock.unlock();
        }
    }

    /** Stops taking appends; waits (bounded) for a batch being committed. Does not close the device. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            long deadline = System.nanoTime() + COMMIT_WAIT.toNanos();
            while (committing && System.nanoTime() < deadline) {
                committed.await(10, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    private static void checkRange(BlockDevice dev, long firstLba, long blocks) {
        if (firstLba < 0 || blocks < 2 || firstLba + blocks > dev.sizeBlocks()) {
            throw new IllegalArgumentException("a log needs at least 2 blocks inside the namespace, got " + blocks
                    + " at LBA " + firstLba + " (namespace: " + dev.sizeBlocks() + " blocks)");
        }
    }

    private static void writeHeader(BlockDevice dev, long lba, int epoch) {
        byte[] h = new byte[dev.blockSize()];
        ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).putInt(HEADER_MAGIC).putInt(epoch);
        ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).putInt(8, crc(h, 0, 8));
        dev.write(lba, MemorySegment.ofArray(h));
    }

    private static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    private static int recordCrc(int epoch, long lsn, byte[] payload) {
        CRC32C c = new CRC32C();
        ByteBuffer h = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(epoch).putLong(lsn)
                .putInt(payload.length);
        c.update(h.array());
        c.update(payload);
        return (int) c.getValue();
    }

    /** Reads the data area in 1 MiB pieces as the scan needs them. */
    private static final class Scanner {
        private static final int PIECE = 1 << 20;
        private final BlockDevice dev;
        private final long lba;
        private final long end;
        private final ByteBuffer piece = ByteBuffer.allocate(PIECE).order(ByteOrder.LITTLE_ENDIAN);
        private long pieceStart = -1;
        private int pieceLength;

        Scanner(BlockDevice dev, long lba, long end) {
            this.dev = dev;
            this.lba = lba;
            this.end = end;
        }

        private int at(long pos, int len) {
            if (pieceStart < 0 || pos < pieceStart || pos + len > pieceStart + pieceLength) {
                int bs = dev.blockSize();
                pieceStart = pos / bs * bs;
                pieceLength = (int) Math.min(PIECE, end - pieceStart);
                dev.read(lba + pieceStart / bs, MemorySegment.ofArray(piece.array()).asSlice(0, pieceLength));
            }
            return (int) (pos - pieceStart);
        }

        int getInt(long pos) {
            return piece.getInt(at(pos, 4));
        }

        long getLong(long pos) {
            return piece.getLong(at(pos, 8));
        }

        byte[] bytes(long pos, int len) {
            byte[] out = new byte[len];
            long done = 0;
            while (done < len) {
                int n = (int) Math.min(len - done, PIECE / 2);
                int off = at(pos + done, n);
                piece.get(off, out, (int) done, n);
                done += n;
            }
            return out;
        }
    }
}
