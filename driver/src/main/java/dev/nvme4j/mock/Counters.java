package dev.nvme4j.mock;

import dev.nvme4j.mock.config.MockCounters;

/** The device's counters; written under the device lock, read as a snapshot under it. */
final class Counters {
    long commandsProcessed;
    long adminCommands;
    long ioCommands;
    long iommuFaults;
    long interruptsSignalled;
    long interruptsDropped;
    long doorbellsIgnored;
    long completionsDeferred;
    long completionsDropped;
    long commandsHung;
    long readsCorrupted;
    long dataUnitsRead;
    long dataUnitsWritten;
    long hostReads;
    long hostWrites;

    MockCounters snapshot(long violations) {
        return new MockCounters(commandsProcessed, adminCommands, ioCommands, iommuFaults, interruptsSignalled,
                interruptsDropped, doorbellsIgnored, completionsDeferred, completionsDropped, commandsHung,
                readsCorrupted, violations);
    }
}
