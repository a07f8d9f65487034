package dev.nvme4j.mock;

import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.spec.LogPageLayout;
import dev.nvme4j.spec.Opcodes;
import java.util.ArrayDeque;

/**
 * Asynchronous events (Base 5.2) of one {@link Engine}: the outstanding Asynchronous Event
 * Requests and the events raised while none was outstanding. Under the device lock.
 */
final class AsyncEvents {
    private final Engine e;
    private final ArrayDeque<Completion> aers = new ArrayDeque<>();
    private final ArrayDeque<Integer> events = new ArrayDeque<>();

    AsyncEvents(Engine e) {
        this.e = e;
    }

    /** An Asynchronous Event Request: completes at once with a waiting event, else stays outstanding. */
    int request() {
        if (aers.size() > e.c.config.aerl()) {
            return NvmeStatus.ASYNC_EVENT_REQUEST_LIMIT_EXCEEDED.code(true);
        }
        if (!events.isEmpty()) {
            e.dw0 = events.poll();
            return 0;
        }
        aers.add(new Completion(e.sqid, e.cid, e.opcode, 0, 0));
        return Engine.SUSPENDED;
    }

    void smartWarning(int criticalWarning) {
        e.admin.logs.criticalWarning |= criticalWarning;
        int enabled = e.admin.asyncEventConfig & LogPageLayout.AEC_SMART_CRITICAL_WARNINGS;
        if ((enabled & criticalWarning) == 0) {
            return; // masked by Asynchronous Event Configuration (Base 5.27.1.11)
        }
        int info = (criticalWarning & LogPageLayout.SMART_CW_TEMPERATURE) != 0 ? LogPageLayout.AER_INFO_SMART_TEMPERATURE
                : (criticalWarning & LogPageLayout.SMART_CW_SPARE) != 0 ? LogPageLayout.AER_INFO_SMART_SPARE
                : LogPageLayout.AER_INFO_SMART_RELIABILITY;
        deliver(LogPageLayout.aerDw0(LogPageLayout.AER_TYPE_SMART, info, Opcodes.LOG_SMART_HEALTH));
    }

    /** The changed NSID enters the Changed Namespace List whether or not the notice is enabled (Base 5.16.1.5). */
    void raiseEvent(int type, int info, int logPage, int nsid) {
        e.admin.logs.changedNamespace(nsid);
        if (type == LogPageLayout.AER_TYPE_NOTICE && (e.admin.asyncEventConfig & LogPageLayout.AEC_NS_ATTRIBUTE_NOTICES) == 0) {
            return;
        }
        deliver(LogPageLayout.aerDw0(type, info, logPage));
    }

    private void deliver(int eventDw0) {
        Completion a = aers.poll();
        if (a == null) {
            events.add(eventDw0);
        } else {
            e.post(a.sqid, a.cid, a.opcode, eventDw0, 0);
        }
    }

    void reset() {
        aers.clear();
        events.clear();
    }
}
