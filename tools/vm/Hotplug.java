import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Host side of {@code tools/vm-run --hotplug}: drives QEMU's monitor (QMP) on request of the
 * guest. The guest writes a request file {@code CTL/N.req} (one line: {@code unplug} or
 * {@code replug}); this program carries it out and answers in {@code CTL/N.done}:
 * {@code ok MILLIS} or {@code error TEXT}.
 *
 * <ul>
 * <li>{@code unplug}: QMP {@code device_del} of the hot-pluggable controller, then waits (at most
 *     30 s) for QEMU's {@code DEVICE_DELETED} event, which comes once the guest has let the
 *     device go; MILLIS is the time from the request to the event.</li>
 * <li>{@code replug}: {@code device_add} of the same controller again (same properties, same
 *     namespace backend); the guest then finds it unbound at the same PCI address.</li>
 * </ul>
 *
 * Usage (started by vm-run): {@code java Hotplug.java QMP_SOCKET CTL_DIR DEVICE_ID DEVICE_ADD_ARGS}.
 * Runs until QEMU closes the monitor. Single-file program (JDK 16+), no dependencies.
 */
public final class Hotplug {
    private static final Pattern ERROR_DESC = Pattern.compile("\"desc\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern HMP_RETURN = Pattern.compile("\"return\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final long UNPLUG_TIMEOUT_MS = 30_000;

    private final BlockingQueue<String> replies = new ArrayBlockingQueue<>(64);
    private final BlockingQueue<String> events = new ArrayBlockingQueue<>(256);
    private final Writer out;
    private final String deviceId;
    private final String deviceAdd;
    private volatile boolean closed;

    private Hotplug(Writer out, String deviceId, String deviceAdd) {
        this.out = out;
        this.deviceId = deviceId;
        this.deviceAdd = deviceAdd;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: java Hotplug.java QMP_SOCKET CTL_DIR DEVICE_ID DEVICE_ADD_ARGS");
            System.exit(2);
        }
        Path socket = Path.of(args[0]);
        Path ctl = Path.of(args[1]);
        Files.createDirectories(ctl);
        SocketChannel channel = connect(socket, 120_000);
        BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
                StandardCharsets.UTF_8));
        Writer out = Channels.newWriter(channel, StandardCharsets.UTF_8);
        Hotplug h = new Hotplug(out, args[2], args[3]);
        String greeting = in.readLine();
        if (greeting == null || !greeting.contains("\"QMP\"")) {
            throw new IOException("no QMP greeting on " + socket + ": " + greeting);
        }
        Thread reader = new Thread(() -> h.read(in), "qmp-reader");
        reader.setDaemon(true);
        reader.start();
        String caps = h.execute("{\"execute\":\"qmp_capabilities\"}");
        if (!caps.contains("\"return\"")) {
            throw new IOException("qmp_capabilities refused: " + caps);
        }
        log("connected to " + socket + "; watching " + ctl + " for requests");
        Files.writeString(ctl.resolve("ready"), "ready\n");
        h.serve(ctl);
    }

    private static SocketChannel connect(Path socket, long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            try {
                SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
                c.connect(UnixDomainSocketAddress.of(socket));
                return c;
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IOException("cannot connect to QMP at " + socket + " within " + timeoutMs + " ms", e);
                }
                Thread.sleep(100);
            }
        }
    }

    private static void log(String line) {
        System.out.println("hotplug: " + line);
        System.out.flush();
    }

    /** Sorts QMP's lines into command replies and asynchronous events. */
    private void read(BufferedReader in) {
        try {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.contains("\"event\"")) {
                    log("event " + line);
                    events.offer(line);
                } else {
                    replies.offer(line);
                }
            }
        } catch (IOException e) {
            log("monitor read failed: " + e);
        }
        closed = true;
        replies.offer("{\"error\":{\"desc\":\"QEMU closed the monitor\"}}");
    }

    private synchronized String execute(String json) throws Exception {
        out.write(json + "\n");
        out.flush();
        String reply = replies.poll(30, TimeUnit.SECONDS);
        return reply != null ? reply : "{\"error\":{\"desc\":\"no reply from QEMU within 30 s\"}}";
    }

    private void serve(Path ctl) throws Exception {
        while (!closed) {
            List<Path> requests;
            try (Stream<Path> files = Files.list(ctl)) {
                requests = new ArrayList<>(files.filter(p -> p.getFileName().toString().endsWith(".req")).sorted().toList());
            }
            for (Path req : requests) {
                String action;
                try {
                    action = Files.readString(req).strip();
                } catch (NoSuchFileException e) {
                    continue;
                }
                String name = req.getFileName().toString();
                String base = name.substring(0, name.length() - ".req".length());
                Files.delete(req);
                log("request " + base + ": " + action);
                String answer = handle(action);
                log("answer " + base + ": " + answer);
                Path tmp = ctl.resolve(base + ".done.tmp");
                Files.writeString(tmp, answer + "\n");
                Files.move(tmp, ctl.resolve(base + ".done"), StandardCopyOption.ATOMIC_MOVE);
            }
            Thread.sleep(20);
        }
        log("QEMU closed the monitor; exiting");
    }

    private String handle(String action) throws Exception {
        long start = System.nanoTime();
        switch (action) {
            case "unplug" -> {
                events.clear();
                String r = execute("{\"execute\":\"device_del\",\"arguments\":{\"id\":\"" + deviceId + "\"}}");
                if (!r.contains("\"return\"")) {
                    return "error device_del " + deviceId + ": " + desc(r);
                }
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(UNPLUG_TIMEOUT_MS);
                while (true) {
                    long left = deadline - System.nanoTime();
                    String e = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : null;
                    if (e == null) {
                        return "error no DEVICE_DELETED event for " + deviceId + " within " + UNPLUG_TIMEOUT_MS
                                + " ms: the guest did not let the device go";
                    }
                    if (e.contains("\"DEVICE_DELETED\"") && e.contains("\"device\": \"" + deviceId + "\"")
                            || e.contains("\"DEVICE_DELETED\"") && e.contains("\"device\":\"" + deviceId + "\"")) {
                        return "ok " + (System.nanoTime() - start) / 1_000_000;
                    }
                }
            }
            case "replug" -> {
                String r = execute("{\"execute\":\"human-monitor-command\",\"arguments\":{\"command-line\":\"device_add "
                        + deviceAdd.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}}");
                Matcher m = HMP_RETURN.matcher(r);
                if (!m.find()) {
                    return "error device_add: " + desc(r);
                }
                if (!m.group(1).isBlank()) {
                    return "error device_add " + deviceAdd + ": " + m.group(1).replace("\\r\\n", " ").strip();
                }
                return "ok " + (System.nanoTime() - start) / 1_000_000;
            }
            default -> {
                return "error unknown request '" + action + "' (unplug or replug)";
            }
        }
    }

    private static String desc(String reply) {
        Matcher m = ERROR_DESC.matcher(reply);
        return m.find() ? m.group(1) : reply;
    }
}
