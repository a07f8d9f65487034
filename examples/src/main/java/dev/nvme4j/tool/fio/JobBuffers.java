package dev.nvme4j.tool.fio;

import dev.nvme4j.api.Controller;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.Protection;
import dev.nvme4j.tool.cli.ByteSize;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * The DMA buffers of one job: one region sliced into a data buffer per slot (and, for a format
 * with separate metadata, a metadata region sliced the same way), filled once with a seeded
 * pattern for plain writes.
 */
final class JobBuffers implements AutoCloseable {
    private final DmaBuffer region;
    private final DmaBuffer metaRegion;
    private final DmaBuffer[] data;
    private final DmaBuffer[] metas;
    private final ByteBuffer[] views;

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
        SplittableRandom fill = new SplittableRandom(spec.seed());
        for (ByteBuffer v : views) {
            for (int off = 0; off + 8 <= v.capacity(); off += 8) {
                v.putLong(off, fill.nextLong());
            }
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
