package dev.nvme4j.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.mock.config.FaultMatch;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.spec.Opcodes;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link BlockAsyncFileChannel} against {@link AsynchronousFileChannel}'s contract: positional
 * reads and writes at unaligned offsets (checked against a byte-array model), the end of the
 * range, argument errors thrown by the call, closed channels, operations outstanding at close,
 * handlers that throw, force/size/truncate/lock.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BlockAsyncFileChannelTest {
    private static final int BS = 512;
    private static final long FIRST = 8;
    private static final long BLOCKS = 32;
    private static final long SIZE = BLOCKS * BS;

    private BlockFixture f;
    private AsynchronousFileChannel ch;

    @BeforeEach
    void open() {
        MockConfig cfg = MockConfig.builder().mode(ExecutionMode.THREADED).namespace(NamespaceConfig.ram(1024, BS)).build();
        // I/O timeout 2 s: a hung command is aborted well after a test closed the channel under it.
        ControllerOptions co = ControllerOptions.builder().ioTimeout(Duration.ofSeconds(2)).build();
        f = new BlockFixture(cfg, co, BlockDeviceOptions.builder().queuePairs(2)
                .completionMode(CompletionMode.POLL).bounceBuffers(4).bounceSize(8192).build());
        ch = f.dev.asyncChannel(FIRST, BLOCKS, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE), null);
    }

    @AfterEach
    void close() throws IOException {
        ch.close();
        f.close();
    }

    /** A handler that records its outcome for the test thread. */
    private static class Recorder<V> implements CompletionHandler<V, String> {
        final CompletableFuture<V> result = new CompletableFuture<>();
        final AtomicReference<String> attachment = new AtomicReference<>();
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public void completed(V v, String a) {
            calls.incrementAndGet();
            attachment.set(a);
            result.complete(v);
        }

        @Override
        public void failed(Throwable exc, String a) {
            calls.incrementAndGet();
            attachment.set(a);
            result.completeExceptionally(exc);
        }

        V get() throws Exception {
            return result.get(30, TimeUnit.SECONDS);
        }
    }

    private static Throwable failure(Future<?> fut) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> fut.get(30, TimeUnit.SECONDS));
        return e.getCause();
    }

    @Test
    void unalignedWritesAndReadsMatchAByteArrayModel() throws Exception {
        byte[] model = new byte[(int) SIZE];
        Random rnd = new Random(42);
        for (int i = 0; i < 60; i++) {
            int pos = rnd.nextInt((int) SIZE - 1);
            int len = 1 + rnd.nextInt((int) Math.min(3 * BS, SIZE - pos));
            byte[] data = new byte[len];
            rnd.nextBytes(data);
            ByteBuffer src = i % 2 == 0 ? ByteBuffer.wrap(data) : ByteBuffer.allocateDirect(len).put(data).flip();
            if (i % 3 == 0) {
                Recorder<Integer> r = new Recorder<>();
                ch.write(src, pos, "w" + i, r);
                assertEquals(len, r.get());
                assertEquals("w" + i, r.attachment.get());
            } else {
                assertEquals(len, ch.write(src, pos).get(30, TimeUnit.SECONDS));
            }
            assertFalse(src.hasRemaining(), "the buffer's position advanced by the bytes written");
            System.arraycopy(data, 0, model, pos, len);
        }
        ByteBuffer all = ByteBuffer.allocate((int) SIZE);
        assertEquals((int) SIZE, ch.read(all, 0).get(30, TimeUnit.SECONDS));
        assertArrayEquals(model, all.array());
        // An unaligned read through a handler, with the buffer's own position and limit honoured.
        ByteBuffer part = ByteBuffer.allocate(100).position(10).limit(90);
        Recorder<Integer> r = new Recorder<>();
        ch.read(part, 777, "r", r);
        assertEquals(80, r.get());
        assertEquals(90, part.position());
        for (int i = 0; i < 80; i++) {
            assertEquals(model[777 + i], part.get(10 + i), "byte " + i);
        }
        // The range starts at its first block of the namespace.
        byte[] first = new byte[BS];
        f.dev.read(FIRST, MemorySegment.ofArray(first));
        assertArrayEquals(java.util.Arrays.copyOf(model, BS), first);
    }

    @Test
    void theEndOfTheRange() throws Exception {
        assertEquals(SIZE, ch.size());
        assertEquals(-1, ch.read(ByteBuffer.allocate(10), SIZE).get(30, TimeUnit.SECONDS), "at the end: -1");
        assertEquals(-1, ch.read(ByteBuffer.allocate(10), SIZE + 12345).get(30, TimeUnit.SECONDS), "past it: -1");
        ByteBuffer tail = ByteBuffer.allocate(100);
        assertEquals(30, ch.read(tail, SIZE - 30).get(30, TimeUnit.SECONDS), "a read that crosses the end is short");
        assertEquals(0, ch.read(ByteBuffer.allocate(0), 5).get(30, TimeUnit.SECONDS), "no room: 0");
        ByteBuffer over = ByteBuffer.wrap(new byte[40]);
        Throwable t = failure(ch.write(over, SIZE - 30));
        assertInstanceOf(IOException.class, t);
        assertTrue(t.getMessage().contains("past the end"), t.getMessage());
        assertEquals(0, over.position(), "a write past the end writes nothing");
        assertEquals(30, ch.write(ByteBuffer.wrap(new byte[30]), SIZE - 30).get(30, TimeUnit.SECONDS),
                "a write that ends exactly at the end works");
    }

    @Test
    void argumentErrorsAreThrownByTheCall() throws Exception {
        Recorder<Integer> r = new Recorder<>();
        assertThrows(IllegalArgumentException.class, () -> ch.read(ByteBuffer.allocate(1), -1));
        assertThrows(IllegalArgumentException.class, () -> ch.write(ByteBuffer.allocate(1), -1, "x", r));
        assertThrows(IllegalArgumentException.class, () -> ch.read(ByteBuffer.allocate(4).asReadOnlyBuffer(), 0));
        assertThrows(NullPointerException.class, () -> ch.read(ByteBuffer.allocate(1), 0, "x", null));
        assertThrows(NullPointerException.class, () -> ch.write(null, 0));
        try (AsynchronousFileChannel ro = f.dev.asyncChannel(0, 4, Set.of(StandardOpenOption.READ), null);
             AsynchronousFileChannel wo = f.dev.asyncChannel(0, 4, Set.of(StandardOpenOption.WRITE), null)) {
            assertThrows(NonWritableChannelException.class, () -> ro.write(ByteBuffer.allocate(1), 0));
            assertThrows(NonReadableChannelException.class, () -> wo.read(ByteBuffer.allocate(1), 0, "x", r));
            assertThrows(NonWritableChannelException.class, () -> ro.truncate(1));
        }
        assertEquals(0, r.calls.get(), "no handler call for an operation that was refused");
    }

    @Test
    void forceSizeTruncateAndLocks() throws Exception {
        ch.force(true);
        ch.force(false);
        assertEquals(ch, ch.truncate(SIZE), "truncate to the size: nothing changes");
        assertEquals(ch, ch.truncate(SIZE * 2));
        assertThrows(UnsupportedOperationException.class, () -> ch.truncate(SIZE - 1));
        assertThrows(IllegalArgumentException.class, () -> ch.truncate(-1));
        assertEquals(SIZE, ch.size());
        assertThrows(UnsupportedOperationException.class, () -> ch.lock());
        assertThrows(UnsupportedOperationException.class, () -> ch.tryLock());
        assertThrows(UnsupportedOperationException.class, () -> ch.lock(0, 10, true, "a", new Recorder<>()));
    }

    @Test
    void aClosedChannelFailsOperationsWithClosedChannelException() throws Exception {
        ch.close();
        assertFalse(ch.isOpen());
        assertInstanceOf(ClosedChannelException.class, failure(ch.read(ByteBuffer.allocate(8), 0)));
        assertInstanceOf(ClosedChannelException.class, failure(ch.write(ByteBuffer.allocate(8), 0)));
        Recorder<Integer> r = new Recorder<>();
        ch.read(ByteBuffer.allocate(8), 0, "closed", r);
        ExecutionException e = assertThrows(ExecutionException.class, r::get);
        assertInstanceOf(ClosedChannelException.class, e.getCause());
        assertEquals("closed", r.attachment.get());
        assertThrows(ClosedChannelException.class, () -> ch.size());
        assertThrows(ClosedChannelException.class, () -> ch.force(true));
        ch.close(); // idempotent
        assertFalse(f.dev.isClosed(), "closing the channel leaves the device open");
    }

    @Test
    void operationsOutstandingAtCloseCompleteWithAsynchronousCloseException() throws Exception {
        f.mock.faults().hangCommands(FaultMatch.any().opcode(Opcodes.NVM_READ).times(1), false);
        Recorder<Integer> r = new Recorder<>();
        ch.read(ByteBuffer.allocate(BS), 0, "hung", r);
        Thread.sleep(200); // the read is now waiting for the hung command
        assertFalse(r.result.isDone());
        ch.close();
        ExecutionException e = assertThrows(ExecutionException.class, r::get, "completes once the command is aborted");
        assertInstanceOf(AsynchronousCloseException.class, e.getCause());
        assertEquals(1, r.calls.get());
    }

    @Test
    void aHandlerThatThrowsChangesNothingAndIsNotCalledAgain() throws Exception {
        AtomicInteger completed = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1);
        ch.write(ByteBuffer.wrap(new byte[] {9, 8, 7}), 100, null, new CompletionHandler<Integer, Object>() {
            @Override
            public void completed(Integer n, Object a) {
                completed.incrementAndGet();
                done.countDown();
                throw new IllegalStateException("the application's handler fails");
            }

            @Override
            public void failed(Throwable exc, Object a) {
                failed.incrementAndGet();
            }
        });
        assertTrue(done.await(30, TimeUnit.SECONDS));
        Thread.sleep(100);
        assertEquals(1, completed.get());
        assertEquals(0, failed.get(), "failed is not called because completed threw");
        ByteBuffer back = ByteBuffer.allocate(3);
        assertEquals(3, ch.read(back, 100).get(30, TimeUnit.SECONDS), "the channel still works");
        assertArrayEquals(new byte[] {9, 8, 7}, back.array());
    }

    @Test
    void deviceErrorsArriveThroughFailed() throws Exception {
        f.mock.faults().completeWithStatus(FaultMatch.any().opcode(Opcodes.NVM_WRITE).times(1),
                dev.nvme4j.api.Status.of(0, 0x06, true));
        Recorder<Integer> r = new Recorder<>();
        ch.write(ByteBuffer.allocate(BS), 0, "err", r);
        ExecutionException e = assertThrows(ExecutionException.class, r::get);
        assertInstanceOf(IOException.class, e.getCause());
        assertEquals(1, r.calls.get());
    }

    @Test
    void handlersRunOnTheGivenExecutorAndManyOperationsOverlap() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4, t -> new Thread(t, "app-io"));
        try (AsynchronousFileChannel c = f.dev.asyncChannel(FIRST, BLOCKS,
                Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE), pool)) {
            List<Recorder<Integer>> rs = new ArrayList<>();
            List<String> threads = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 32; i++) {
                byte[] data = new byte[BS]; // whole blocks: concurrent partial writes of one block may lose one (documented)
                java.util.Arrays.fill(data, (byte) i);
                Recorder<Integer> r = new Recorder<>() {
                    @Override
                    public void completed(Integer v, String a) {
                        threads.add(Thread.currentThread().getName());
                        super.completed(v, a);
                    }
                };
                c.write(ByteBuffer.wrap(data), (long) i * BS, "w", r);
                rs.add(r);
            }
            for (Recorder<Integer> r : rs) {
                assertEquals(BS, r.get());
            }
            assertEquals(32, threads.size());
            assertTrue(threads.stream().allMatch("app-io"::equals), threads.toString());
            ByteBuffer all = ByteBuffer.allocate(32 * BS);
            assertEquals(32 * BS, c.read(all, 0).get(30, TimeUnit.SECONDS));
            for (int i = 0; i < 32; i++) {
                assertEquals((byte) i, all.get(i * BS + BS - 1), "block " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
