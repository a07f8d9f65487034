package dev.nvme4j.sys;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** The error handling of {@link EventFd} and {@link Memlock} over a mocked {@link LibC}. */
class EventFdWithMockLibCTest {

    private static final int FD = 42;

    private final LibC libc = mock(LibC.class);

    @Test
    void createsANonBlockingCloseOnExecEventfd() {
        when(libc.eventfd(eq(0), anyInt())).thenReturn(FD);
        EventFd event = EventFd.create(libc);
        assertEquals(FD, event.fd());
        int nonblockCloexec = 0x800 | 0x80000; // EFD_NONBLOCK | EFD_CLOEXEC on Linux x86-64
        verify(libc).eventfd(0, nonblockCloexec);
    }

    @Test
    void drainTreatsEagainAsNothingPending() {
        EventFd event = eventFd();
        when(libc.read(eq(FD), any())).thenThrow(new NativeException("read", NativeException.EAGAIN));
        assertEquals(0, event.drain());
    }

    @Test
    void drainPropagatesOtherErrors() {
        EventFd event = eventFd();
        NativeException ebadf = new NativeException("read", 9);
        when(libc.read(eq(FD), any())).thenThrow(ebadf);
        assertSame(ebadf, assertThrows(NativeException.class, event::drain));
    }

    @Test
    void awaitRetriesPollInterruptedBySignal() {
        EventFd event = eventFd();
        when(libc.poll(any(), eq(1L), anyInt()))
                .thenThrow(new NativeException("poll", NativeException.EINTR))
                .thenReturn(1);
        when(libc.read(eq(FD), any())).thenAnswer(call -> {
            MemorySegment buf = call.getArgument(1);
            buf.set(ValueLayout.JAVA_LONG, 0, 5L);
            return 8L;
        });
        assertTrue(event.await(1_000_000_000L));
        verify(libc, times(2)).poll(any(), eq(1L), anyInt());
    }

    @Test
    void signalWritesAnEightByteOne() {
        EventFd event = eventFd();
        long[] written = new long[2];
        when(libc.write(eq(FD), any())).thenAnswer(call -> {
            MemorySegment buf = call.getArgument(1);
            written[0] = buf.byteSize();
            written[1] = buf.get(ValueLayout.JAVA_LONG, 0);
            return 8L;
        });
        event.signal();
        assertEquals(8, written[0]);
        assertEquals(1, written[1]);
    }

    @Test
    void closeClosesTheFdOnce() {
        EventFd event = eventFd();
        event.close();
        event.close();
        verify(libc, times(1)).close(FD);
    }

    @Test
    void memlockShortfallNamesTheLimitOnlyWhenTooSmall() {
        when(libc.getrlimit(anyInt())).thenReturn(new ResourceLimit(64 * 1024, 64 * 1024));
        Optional<String> shortfall = Memlock.shortfall(libc, 1 << 20);
        assertTrue(shortfall.orElseThrow().contains("RLIMIT_MEMLOCK soft limit is 65536 bytes"),
                shortfall.toString());
        assertTrue(Memlock.shortfall(libc, 4096).isEmpty());

        when(libc.getrlimit(anyInt())).thenReturn(new ResourceLimit(ResourceLimit.UNLIMITED, ResourceLimit.UNLIMITED));
        assertTrue(Memlock.shortfall(libc, Long.MAX_VALUE).isEmpty());
        verify(libc, times(3)).getrlimit(8); // RLIMIT_MEMLOCK
    }

    private EventFd eventFd() {
        when(libc.eventfd(anyInt(), anyInt())).thenReturn(FD);
        when(libc.poll(any(), anyLong(), anyInt())).thenReturn(0);
        return EventFd.create(libc);
    }
}
