package dev.nvme4j.tool.fio;

import dev.nvme4j.api.Controller;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.Protection;
import dev.nvme4j.tool.cli.ByteSize;
import java.nio.ByteBuffer;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * The DMA buffers of one job: one region sliced into a data buffer per slot (and, for a format
 * with separate metadata, a metadata region sliced the same way), filled with the data of plain
 * writes ({@link BufferOptions}): once, or before every write with refill_buffers.
 */
final class JobBuffers implements AutoCloseable {
    private final DmaBuffer region;
    private final DmaBuffer metaRegion;
    private final DmaBuffer[] data;
    private final DmaBuffer[] metas;
    private final ByteBuffer[] views;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private final SplittableRandom random;
    private final boolean zeros;
    /** buffer_pattern, or null. */
    private final VerifyPattern pattern;
    private final int compressPercentage;
    private final int compressChunk;

    /**
     * @throws IllegalStateException naming --iodepth and --bs when the buffers cannot be allocated
     */
    JobBuffers(JobSpec spec, Controller controller, Namespace ns, Protection protection) {
        int depth = spec.iodepth();
        // Extended LBAs carry each block's metadata in the data buffer; a separate format has its own buffer.
        long slotBytes = (long) spec.blocksPerIo() * ns.dataBytesPerBlock(protection);
        long slotMeta = (long) spec.blocksPerIo() * ns.metadataBytesPerBlock(protection);
        long bytes = (long) depth * slotBytes;
        DmaBuffer meta = null;
        try {
            region = controller.allocateBuffer(bytes);
            try {
                meta = slotMeta > 0 ? controller.allocateBuffer(depth * slotMeta) : null;
            } catch (RuntimeException e) {
                region.close();
                throw e;
            }
        } catch (RuntimeException e) {
            throw new IllegalStateException("allocating " + ByteSize.format(bytes) + " of I/O buffers (--iodepth="
                    + depth + " x --bs=" + ByteSize.format(spec.bs()) + "): " + e.getMessage(), e);
        }
        metaRegion = meta;
        data = new DmaBuffer[depth];
        metas = new DmaBuffer[depth];
        views = new ByteBuffer[depth];
        for (int i = 0; i < depth; i++) {
            data[i] = region.slice(i * slotBytes, slotBytes);
            metas[i] = metaRegion == null ? null : metaRegion.slice(i * slotMeta, slotMeta);
            views[i] = data[i].segment().asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
        random = new SplittableRandom(spec.seed());
        BufferOptions o = spec.options().buffers;
        zeros = o.zeros();
        pattern = o.bufferPattern;
        compressPercentage = o.compressPercentage;
        compressChunk = (int) o.compressChunk;
        for (int i = 0; i < depth; i++) {
            fill(i, views[i].capacity());
        }
    }

    /**
     * Fills the first {@code bytes} of slot {@code slot} with the data of plain writes: zeros, or
     * random data of which each chunk of buffer_compress_chunk is random for (100 -
     * buffer_compress_percentage)% and then zeros, as fio does. Allocation-free.
     */
    void fill(int slot, int bytes) {
        MemorySegment m = data[slot].segment();
        if (pattern != null && !zeros) {
            pattern.fill(views[slot], 0, bytes, 0, 0);
            return;
        }
        if (zeros) {
            m.asSlice(0, bytes).fill((byte) 0);
            return;
        }
        if (compressPercentage == 0) {
            random(m, 0, bytes);
            return;
        }
        for (int off = 0; off < bytes; ) {
            int chunk = Math.min(compressChunk, bytes - off);
            int randomBytes = (int) ((long) chunk * (100 - compressPercentage) / 100);
            random(m, off, randomBytes);
            m.asSlice(off + randomBytes, chunk - randomBytes).fill((byte) 0);
            off += chunk;
        }
    }

    private void random(MemorySegment m, int from, int bytes) {
        int off = from;
        for (; off + 8 <= from + bytes; off += 8) {
            m.set(LONG, off, random.nextLong());
        }
        for (; off < from + bytes; off++) {
            m.set(ValueLayout.JAVA_BYTE, off, (byte) random.nextInt());
        }
    }

    /** The data buffer of {@code slot}. */
    DmaBuffer data(int slot) {
        return data[slot];
    }

    /** The separate metadata buffer of {@code slot}, null when no metadata moves separately. */
    DmaBuffer meta(int slot) {
        return metas[slot];
    }

    /** The data buffer of {@code slot} as a little-endian view. */
    ByteBuffer view(int slot) {
        return views[slot];
    }

    @Override
    public void close() {
        if (metaRegion != null) {
            metaRegion.close();
        }
        region.close();
    }
}
