package dev.nvme4j.ctrl;

import dev.nvme4j.api.ControllerState;

/**
 * The controller's life-cycle state and, once failed, why. Thread-safe: state transitions are
 * synchronized; reads are volatile.
 */
final class Health {
    private volatile ControllerState state = ControllerState.RESETTING;
    private volatile String failureReason;

    ControllerState state() {
        return state;
    }

    String failureReason() {
        return failureReason;
    }

    synchronized void ready() {
        if (state == ControllerState.RESETTING) {
            state = ControllerState.READY;
        }
    }

    /** READY to RESETTING; false if the controller is failed or closed. */
    synchronized boolean beginReset() {
        if (state != ControllerState.READY) {
            return false;
        }
        state = ControllerState.RESETTING;
        return true;
    }

    /** Marks the controller failed (first reason wins); false when it already was failed, removed or closed. */
    synchronized boolean fail(String reason) {
        if (state == ControllerState.FAILED || state == ControllerState.CLOSED || state == ControllerState.REMOVED) {
            return false;
        }
        failureReason = reason;
        state = ControllerState.FAILED;
        return true;
    }

    /**
     * Marks the controller removed (the device went away); also from FAILED, since removal says
     * more. False when it already was removed or closed.
     */
    synchronized boolean remove(String reason) {
        if (state == ControllerState.REMOVED || state == ControllerState.CLOSED) {
            return false;
        }
        failureReason = reason;
        state = ControllerState.REMOVED;
        return true;
    }

    /** Marks the controller closed; returns the state it had. */
    synchronized ControllerState close() {
        ControllerState before = state;
        state = ControllerState.CLOSED;
        return before;
    }

    /** New commands are accepted while READY or RESETTING (they wait in the queue during a reset). */
    void checkAccepting() {
        ControllerState s = state;
        if (s == ControllerState.FAILED) {
            throw new IllegalStateException("controller failed: " + failureReason);
        }
        if (s == ControllerState.REMOVED) {
            throw new IllegalStateException(failureReason + "; close the controller, and open the device again once"
                    + " it is back");
        }
        if (s == ControllerState.CLOSED) {
            throw new IllegalStateException("controller is closed");
        }
    }

    /** Failed or removed: commands never reach the device any more. */
    boolean isFailed() {
        ControllerState s = state;
        return s == ControllerState.FAILED || s == ControllerState.REMOVED;
    }

    boolean isRemoved() {
        return state == ControllerState.REMOVED;
    }

    void checkOpen() {
        if (state == ControllerState.CLOSED) {
            throw new IllegalStateException("controller is closed");
        }
    }
}
