package dev.nvme4j.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The Number of Queues value (Base 5.27.1.7), both directions. */
class NumberOfQueuesTest {
    @Test
    void encodesZeroBasedCountsAndDecodesThem() {
        assertEquals(0x0003_0003, NumberOfQueues.request(4));
        assertEquals(0x0000_0000, NumberOfQueues.request(1));
        assertEquals(0xFFFE_FFFE, NumberOfQueues.request(65535));
        assertEquals(0x0001_0007, NumberOfQueues.encode(8, 2));
        assertEquals(8, NumberOfQueues.submissionQueues(0x0001_0007));
        assertEquals(2, NumberOfQueues.completionQueues(0x0001_0007));
        assertEquals(65536, NumberOfQueues.completionQueues(0xFFFF_0000));
    }

    @Test
    void usablePairsAreCappedByTheRequestAndByBothQueueKinds() {
        assertEquals(4, NumberOfQueues.usablePairs(NumberOfQueues.encode(64, 64), 4), "more allocated than asked");
        assertEquals(2, NumberOfQueues.usablePairs(NumberOfQueues.encode(8, 2), 4), "fewer CQs");
        assertEquals(3, NumberOfQueues.usablePairs(NumberOfQueues.encode(3, 8), 4), "fewer SQs");
    }
}
