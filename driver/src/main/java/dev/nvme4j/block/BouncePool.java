package dev.nvme4j.block;

import dev.nvme4j.api.Controller;
import dev.nvme4j.api.DmaBuffer;
import java.nio.ByteBuffer;

/**
 * The shared DMA bounce buffers of a {@link BlockDevice}, for callers whose memory is not a
 * {@link DmaBuffer}: a fixed set allocated at open, handed out by index through a lock-free stack.
 * Any thread may acquire and release; nothing is allocated after construction.
 */
final class BouncePool implements AutoCloseable {
    private final DmaBuffer[] buffers;
    private final IndexStack free;
    /** A ByteBuffer view of each buffer, made once, for absolute bulk copies (never moved). */
    private final ByteBuffer[] views;

    /** Allocates {@code count} buffers of {@code size} bytes; on failure frees what it made and rethrows. */
    BouncePool(Controller controller, int count, int size) {
        this.buffers = new DmaBuffer[count];
        this.free = new IndexStack(count);
        this.views = new ByteBuffer[count];
        try {
            for (int i = 0; i < count; i++) {
                buffers[i] = controller.allocateBuffer(size);
                views[i] = buffers[i].segment().asByteBuffer();
                free.push(i);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    DmaBuffer buffer(int index) {
        return buffers[index];
    }

    /** Buffer {@code index} as a ByteBuffer; only absolute operations, by the buffer's holder. */
    ByteBuffer view(int index) {
        return views[index];
    }

    /** A free buffer's index, or -1 when all are in use. */
    int poll() {
        return free.pop();
    }

    int count() {
        return buffers.length;
    }

    /** Gives buffer {@code index} back; a negative index (no bounce buffer) is ignored. */
    void release(int index) {
        if (index >= 0) {
            free.push(index);
        }
    }

    /** Frees every buffer; only once no I/O can use them any more. */
    @Override
    public void close() {
        for (DmaBuffer b : buffers) {
            if (b != null) {
                b.close();
            }
        }
    }
}
