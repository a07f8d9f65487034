package dev.nvme4j.vfio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.Completion;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerCounters;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.Nvme;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.api.Status;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Many I/O queue pairs on a real (QEMU-emulated) controller with {@code max_ioqpairs=64}: all
 * of them created, used and deleted, by closing them one by one and by closing the controller
 * with all of them open. That a queue is really gone is asked of the device: deleting it again
 * must fail with Invalid Queue Identifier.
 */
@Tag("vfio")
class QueuePairsOverVfioTest {
    private static final int PAIRS = 64;
    private static final int DELETE_IO_SQ = 0x00;
    private static final int DELETE_IO_CQ = 0x04;

    @Test
    void createsUsesAndDeletesSixtyFourQueuePairs() throws Exception {
        try (Controller ctrl = Nvme.open(VmDevices.first(), ControllerOptions.builder().maxIoQueuePairs(PAIRS).build())) {
            assertEquals(PAIRS, ctrl.info().ioQueuePairsGranted(), "QEMU max_ioqpairs=64 grants 64 pairs");
            List<IoQueuePair> pairs = createAll(ctrl);
            assertThrows(IllegalStateException.class, () -> ctrl.createQueuePair(8, CompletionMode.POLL),
                    "a 65th pair is refused by the driver");
            writeAndCrossCheck(ctrl, pairs);
            for (IoQueuePair p : pairs) {
                p.close();
            }
            // Every queue was deleted on the device: deleting it again is an invalid queue id.
            for (int qid = 1; qid <= PAIRS; qid++) {
                for (int opcode : new int[] {DELETE_IO_SQ, DELETE_IO_CQ}) {
                    Completion c = ctrl.adminPassthrough(RawCommand.of(opcode, 0).withCdw10(qid), null)
                            .get(30, TimeUnit.SECONDS);
                    // SQ: Invalid Queue Identifier (SCT 1, SC 1); CQ: QEMU answers Completion Queue Invalid (SC 0).
                    String what = "qid " + qid + " opcode " + opcode + ": " + Status.describe(c.status());
                    assertEquals(1, Status.sct(c.status()), what);
                    assertTrue(Status.sc(c.status()) == 1 || (opcode == DELETE_IO_CQ && Status.sc(c.status()) == 0), what);
                }
            }
            // The queue ids are free again: all 64 can be created once more.
            List<IoQueuePair> again = createAll(ctrl);
            writeAndCrossCheck(ctrl, again);
            again.forEach(IoQueuePair::close);
        }
    }

    @Test
    void closingTheControllerDeletesEveryOpenQueuePair() {
        String address = VmDevices.first();
        Logger driverLog = (Logger) LoggerFactory.getLogger("dev.nvme4j");
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        driverLog.addAppender(log);
        try {
            Controller ctrl = Nvme.open(address, ControllerOptions.builder().maxIoQueuePairs(PAIRS).build());
            List<IoQueuePair> pairs;
            ControllerCounters before;
            try (Controller _ = ctrl) {
                pairs = createAll(ctrl);
                writeAndCrossCheck(ctrl, pairs);
                before = ctrl.counters();
                ctrl.close();
            }
            ControllerCounters after = ctrl.counters();
            long completed = after.adminCompleted() - before.adminCompleted();
            System.out.printf("close with %d pairs open: %d admin completions (%s -> %s)%n", PAIRS, completed, before, after);
            // One Delete I/O SQ and one Delete I/O CQ per pair came back from the device; a
            // failed delete would also be logged as a warning (checked below).
            assertTrue(completed >= 2L * PAIRS, "admin completions during close: " + completed);
            List<String> warnings = log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .map(ILoggingEvent::getFormattedMessage).toList();
            assertEquals(List.of(), warnings, "nothing went wrong while deleting and shutting down");
            for (IoQueuePair p : pairs) {
                assertEquals(0, p.outstanding(), "pair " + p.queueId() + " has nothing left in flight");
            }
            // The controller comes up again with every queue id free.
            try (Controller reopened = Nvme.open(address, ControllerOptions.builder().maxIoQueuePairs(PAIRS).build())) {
                List<IoQueuePair> again = createAll(reopened);
                writeAndCrossCheck(reopened, again);
            }
        } finally {
            driverLog.detachAppender(log);
        }
    }

    private static List<IoQueuePair> createAll(Controller ctrl) {
        List<IoQueuePair> pairs = new ArrayList<>();
        Set<Integer> ids = new HashSet<>();
        for (int i = 0; i < PAIRS; i++) {
            // Every fourth pair waits on its own MSI-X vector.
            IoQueuePair p = ctrl.createQueuePair(16, i % 4 == 3 ? CompletionMode.INTERRUPT : CompletionMode.POLL);
            pairs.add(p);
            ids.add(p.queueId());
        }
        assertEquals(PAIRS, ids.size(), "distinct queue ids");
        return pairs;
    }

    /** Each pair writes its own block; the next pair reads it back. */
    private static void writeAndCrossCheck(Controller ctrl, List<IoQueuePair> pairs) {
        Namespace ns = ctrl.namespace(1);
        try (DmaBuffer buf = ctrl.allocateBuffer(4096)) {
            for (IoQueuePair p : pairs) {
                VmDevices.fill(buf, p.queueId());
                p.writeSync(ns, 50_000L + 8L * p.queueId(), 8, buf);
            }
            for (int i = 0; i < pairs.size(); i++) {
                IoQueuePair writer = pairs.get(i);
                IoQueuePair reader = pairs.get((i + 1) % pairs.size());
                reader.readSync(ns, 50_000L + 8L * writer.queueId(), 8, buf);
                VmDevices.assertPattern(buf, writer.queueId(), "block of qid " + writer.queueId() + " read on qid " + reader.queueId());
            }
        }
    }
}
