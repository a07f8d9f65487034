package dev.nvme4j.ctrl;

import jdk.jfr.Category;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/**
 * JFR events of the controller's rare paths: timeouts, recovery steps, resets, features set
 * again after a reset, namespace changes and state changes (never per I/O). Record with {@code -XX:StartFlightRecording} or JDK Mission Control.
 */
final class Events {
    private Events() {
    }

    @Name("dev.nvme4j.Timeout")
    @Label("NVMe command timeout")
    @Category("nvme4j")
    static final class TimeoutEvent extends Event {
        @Label("Queue") int queueId;
        @Label("Command ID") int cid;
        @Label("Detail") String detail;
    }

    @Name("dev.nvme4j.Recovery")
    @Label("NVMe recovery step")
    @Category("nvme4j")
    static final class RecoveryEvent extends Event {
        @Label("Queue") int queueId;
        @Label("Command ID") int cid;
        @Label("Step") String step;
    }

    @Name("dev.nvme4j.Reset")
    @Label("NVMe controller reset")
    @Category("nvme4j")
    static final class ResetEvent extends Event {
        @Label("Controller") String address;
        @Label("Reason") String reason;
        @Label("Resubmitted") int resubmitted;
        @Label("Failed") int failed;
        @Label("Succeeded") boolean succeeded;
    }

    @Name("dev.nvme4j.StateChange")
    @Label("NVMe controller state change")
    @Category("nvme4j")
    static final class StateChangeEvent extends Event {
        @Label("Controller") String address;
        @Label("State") String state;
        @Label("Reason") String reason;
    }

    @Name("dev.nvme4j.FeatureRestore")
    @Label("NVMe feature set again after a reset")
    @Category("nvme4j")
    static final class FeatureRestoreEvent extends Event {
        @Label("Controller") String address;
        @Label("Feature Identifier") int featureId;
        @Label("Value") int value;
        @Label("Restored") boolean restored;
        @Label("Detail") String detail;
    }

    @Name("dev.nvme4j.NamespaceChange")
    @Label("NVMe namespace change")
    @Category("nvme4j")
    static final class NamespaceChangeEvent extends Event {
        @Label("Controller") String address;
        @Label("NSID") int nsid;
        @Label("Change") String change;
        @Label("Size (blocks)") long sizeBlocks;
    }

    static void featureRestore(String address, int featureId, int value, boolean restored, String detail) {
        FeatureRestoreEvent e = new FeatureRestoreEvent();
        if (e.isEnabled()) {
            e.address = address;
            e.featureId = featureId;
            e.value = value;
            e.restored = restored;
            e.detail = detail;
            e.commit();
        }
    }

    static void namespaceChange(String address, int nsid, String change, long sizeBlocks) {
        NamespaceChangeEvent e = new NamespaceChangeEvent();
        if (e.isEnabled()) {
            e.address = address;
            e.nsid = nsid;
            e.change = change;
            e.sizeBlocks = sizeBlocks;
            e.commit();
        }
    }

    @Name("dev.nvme4j.Removal")
    @Label("NVMe device removed")
    @Category("nvme4j")
    static final class RemovalEvent extends Event {
        @Label("Controller") String address;
        @Label("Cause") String cause;
        @Label("Outstanding I/O") int outstanding;
        @Label("Released (ms)") long releaseMillis;
    }

    @Name("dev.nvme4j.ErrorInterrupt")
    @Label("NVMe PCIe error interrupt")
    @Category("nvme4j")
    static final class ErrorInterruptEvent extends Event {
        @Label("Controller") String address;
        @Label("CSTS") int csts;
        @Label("Action") String action;
    }

    static void removal(String address, String cause, int outstanding, long releaseMillis) {
        RemovalEvent e = new RemovalEvent();
        if (e.isEnabled()) {
            e.address = address;
            e.cause = cause;
            e.outstanding = outstanding;
            e.releaseMillis = releaseMillis;
            e.commit();
        }
    }

    static void errorInterrupt(String address, int csts, String action) {
        ErrorInterruptEvent e = new ErrorInterruptEvent();
        if (e.isEnabled()) {
            e.address = address;
            e.csts = csts;
            e.action = action;
            e.commit();
        }
    }

    static void timeout(int qid, int cid, String detail) {
        TimeoutEvent e = new TimeoutEvent();
        if (e.isEnabled()) {
            e.queueId = qid;
            e.cid = cid;
            e.detail = detail;
            e.commit();
        }
    }

    static void recovery(int qid, int cid, String step) {
        RecoveryEvent e = new RecoveryEvent();
        if (e.isEnabled()) {
            e.queueId = qid;
            e.cid = cid;
            e.step = step;
            e.commit();
        }
    }

    static void stateChange(String address, String state, String reason) {
        StateChangeEvent e = new StateChangeEvent();
        if (e.isEnabled()) {
            e.address = address;
            e.state = state;
            e.reason = reason;
            e.commit();
        }
    }
}
