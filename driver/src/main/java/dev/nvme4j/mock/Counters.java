package dev.nvme4j.mock;

import dev.nvme4j.mock.config.MockCounters;

/**
 * The device's counters: the controller's (written under the device lock) and one set per I/O
 * lane (written under the lane's lock); read as a sum under all of them.
 */
final class Counters {
    long commandsProcessed;
    long adminCommands;
    long ioCommands;
    long iommuFaults;
    long interruptsSignalled;
    long interruptsDropped;
    long interruptsDelayed;
    long doorbellsIgnored;
    long completionsDeferred;
    long completionsDropped;
    long commandsHung;
    long readsCorrupted;
    long abortsReceived;
    long dataUnitsRead;
    long dataUnitsWritten;
    long hostReads;
    long hostWrites;

    /** Adds every counter into {@code sum}. */
    void addTo(Counters sum) {
        sum.commandsProcessed += commandsProcessed;
        sum.adminCommands += adminCommands;
        sum.ioCommands += ioCommands;
        sum.iommuFaults += iommuFaults;
        sum.interruptsSignalled += interruptsSignalled;
        sum.interruptsDropped += interruptsDropped;
        sum.interruptsDelayed += interruptsDelayed;
        sum.doorbellsIgnored += doorbellsIgnored;
        sum.completionsDeferred += completionsDeferred;
        sum.completionsDropped += completionsDropped;
        sum.commandsHung += commandsHung;
        sum.readsCorrupted += readsCorrupted;
        sum.abortsReceived += abortsReceived;
        sum.dataUnitsRead += dataUnitsRead;
        sum.dataUnitsWritten += dataUnitsWritten;
        sum.hostReads += hostReads;
        sum.hostWrites += hostWrites;
    }

    MockCounters snapshot(long writesWhileRemoved, long violations) {
        return new MockCounters(commandsProcessed, adminCommands, ioCommands, iommuFaults, interruptsSignalled,
                interruptsDropped, interruptsDelayed, doorbellsIgnored, completionsDeferred, completionsDropped, commandsHung,
                readsCorrupted, abortsReceived, writesWhileRemoved, violations);
    }
}
