package dev.nvme4j.ctrl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.api.Completion;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.spec.Opcodes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the feature record keeps, and in which order a restore sends it. */
class FeatureRecordTest {
    private static FeatureRecord.Entry entry(int fid, int value, boolean saved) {
        return new FeatureRecord.Entry(fid, value, saved);
    }

    @Test
    void keepsTheLatestValuePerFeatureAndPerSelectorInFirstSetOrder() {
        FeatureRecord r = new FeatureRecord("test", new ControllerStats());
        r.recordSet(Opcodes.FEAT_ASYNC_EVENT_CONFIG, 0x1FF);
        r.recordSet(Opcodes.FEAT_TEMPERATURE_THRESHOLD, 0x0160);            // sensor 0, over
        r.recordSet(Opcodes.FEAT_TEMPERATURE_THRESHOLD, 0x0010_0101);       // sensor 0, under
        r.recordSet(Opcodes.FEAT_INTERRUPT_VECTOR_CONFIG, 0x0001_0003);     // vector 3, CD
        r.recordSet(Opcodes.FEAT_INTERRUPT_VECTOR_CONFIG, 0x0000_0004);     // vector 4
        r.recordSet(Opcodes.FEAT_NUMBER_OF_QUEUES, 0x0003_0003);            // never kept
        r.recordSet(Opcodes.FEAT_ARBITRATION | 0x8000_0000, 7);             // saved
        r.recordSet(Opcodes.FEAT_ASYNC_EVENT_CONFIG, 0xFF);                 // replaces, keeps its place
        r.recordSet(Opcodes.FEAT_TEMPERATURE_THRESHOLD, 0x0150);            // replaces the over threshold
        assertEquals(List.of(entry(Opcodes.FEAT_ASYNC_EVENT_CONFIG, 0xFF, false),
                entry(Opcodes.FEAT_TEMPERATURE_THRESHOLD, 0x0150, false),
                entry(Opcodes.FEAT_TEMPERATURE_THRESHOLD, 0x0010_0101, false),
                entry(Opcodes.FEAT_INTERRUPT_VECTOR_CONFIG, 0x0001_0003, false),
                entry(Opcodes.FEAT_INTERRUPT_VECTOR_CONFIG, 0x0000_0004, false),
                entry(Opcodes.FEAT_ARBITRATION, 7, true)), r.entries());
    }

    @Test
    void aFailedSetIsUndoneUnlessSetAgainMeanwhile() {
        FeatureRecord r = new FeatureRecord("test", new ControllerStats());
        r.recordSet(Opcodes.FEAT_ARBITRATION, 1);
        FeatureRecord.Entry previous = r.recordSet(Opcodes.FEAT_ARBITRATION, 2);
        r.undo(Opcodes.FEAT_ARBITRATION, 2, previous);
        assertEquals(List.of(entry(Opcodes.FEAT_ARBITRATION, 1, false)), r.entries());
        FeatureRecord.Entry none = r.recordSet(Opcodes.FEAT_VOLATILE_WRITE_CACHE, 0);
        FeatureRecord.Entry first = r.recordSet(Opcodes.FEAT_ARBITRATION, 3);
        r.recordSet(Opcodes.FEAT_ARBITRATION, 4);                          // a later set won
        r.undo(Opcodes.FEAT_ARBITRATION, 3, first);
        r.undo(Opcodes.FEAT_VOLATILE_WRITE_CACHE, 0, none);
        assertEquals(List.of(entry(Opcodes.FEAT_ARBITRATION, 4, false)), r.entries());
    }

    @Test
    void restoreSendsEachWithoutSaveAndReportsRefusals() {
        FeatureRecord r = new FeatureRecord("test", new ControllerStats());
        r.recordSet(Opcodes.FEAT_ARBITRATION | 0x8000_0000, 7);
        r.recordSet(Opcodes.FEAT_INTERRUPT_COALESCING, 0x306);
        List<RawCommand> sent = new ArrayList<>();
        FeatureRecord.Outcome o = r.restore(c -> {
            sent.add(c);
            return new Completion(c.cdw10() == Opcodes.FEAT_INTERRUPT_COALESCING ? 0x4000 | 0x10E : 0, 0, 0);
        });
        assertEquals(2, sent.size());
        assertEquals(Opcodes.FEAT_ARBITRATION, sent.get(0).cdw10(), "restored as current value, SV = 0");
        assertEquals(7, sent.get(0).cdw11());
        assertEquals(1, o.restored().size());
        assertEquals(1, o.failures().size());
        assertEquals(Opcodes.FEAT_INTERRUPT_COALESCING, o.failures().get(0).featureId());
        assertTrue(o.failures().get(0).reason().contains("Feature Not Changeable"), o.failures().get(0).reason());
        r.reportRestore(o);
        assertEquals(o.failures(), r.lastFailures());
    }
}
