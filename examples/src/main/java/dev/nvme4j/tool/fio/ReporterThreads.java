package dev.nvme4j.tool.fio;

/** The daemon threads of the samplers and reporters that read a run's progress. Stateless. */
final class ReporterThreads {
    private ReporterThreads() {
    }

    /** A daemon thread named {@code name} running {@code body}. */
    static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    /** Interrupts {@code t} (its loop also checks its own stop flag) and waits up to {@code millis} for it. */
    static void stop(Thread t, long millis) {
        t.interrupt();
        try {
            t.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
