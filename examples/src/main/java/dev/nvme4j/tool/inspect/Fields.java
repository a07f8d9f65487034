package dev.nvme4j.tool.inspect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * An ordered list of named fields, printed the nvme-cli way: {@code name : value} lines for
 * people, or a JSON object with the same names. Not thread-safe.
 */
public final class Fields {
    public static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A line: {@code label} is printed verbatim when {@code verbatim}, else padded to the print width. */
    private record Field(String name, Object json, String text, boolean verbatim, List<String> human) {
        Field(String name, Object json, String text) {
            this(name, json, text, false, List.of());
        }
    }

    private final List<Field> fields = new ArrayList<>();
    private final ObjectNode json = MAPPER.createObjectNode();
    private final List<String> trailer = new ArrayList<>();
    private final List<String> humanTrailer = new ArrayList<>();

    /** A numeric field shown in decimal. */
    public Fields num(String name, long value) {
        fields.add(new Field(name, value, Long.toString(value)));
        json.put(name, value);
        return this;
    }

    /** A numeric field shown in hex ({@code 0x1b36}); decimal in JSON like nvme-cli. */
    public Fields hex(String name, long value) {
        fields.add(new Field(name, value, "0x" + Long.toHexString(value)));
        json.put(name, value);
        return this;
    }

    /** A big counter (128-bit SMART counters). */
    public Fields big(String name, java.math.BigInteger value, String suffix) {
        fields.add(new Field(name, value, value + suffix));
        json.put(name, value);
        return this;
    }

    /** A text field. */
    public Fields text(String name, String value) {
        fields.add(new Field(name, value, value));
        json.put(name, value);
        return this;
    }

    /** A field whose human text differs from its JSON number (e.g. temperature). */
    public Fields num(String name, long value, String text) {
        fields.add(new Field(name, value, text));
        json.put(name, value);
        return this;
    }

    /** A normal-output line with its label verbatim and its {@code -H} lines (the JSON is set separately). */
    Fields line(String label, String text, List<String> human) {
        fields.add(new Field(label, null, text, true, human));
        return this;
    }

    /** Lines printed as they are after the fields (e.g. the power states). */
    Fields trailer(List<String> lines) {
        return trailer(lines, lines);
    }

    /** Lines printed after the fields: {@code normal}, or {@code human} with {@code -H}. */
    Fields trailer(List<String> normal, List<String> human) {
        trailer.addAll(normal);
        humanTrailer.addAll(human);
        return this;
    }

    /** A line for people only (the JSON carries the value in another shape). */
    public Fields textOnly(String name, String text) {
        fields.add(new Field(name, null, text));
        return this;
    }

    /** The JSON object (live: callers may add nested values). */
    public ObjectNode json() {
        return json;
    }

    /** Prints {@code name : value} lines, names padded to {@code width}. */
    public void printText(PrintWriter out, int width) {
        printText(out, width, false);
    }

    /** Prints {@code name : value} lines, each followed by its {@code -H} decoding when {@code human}. */
    public void printText(PrintWriter out, int width, boolean human) {
        for (Field f : fields) {
            if (f.verbatim()) {
                out.print(f.name() + ": " + f.text() + "\n");
            } else {
                out.printf("%-" + width + "s: %s%n", f.name(), f.text());
            }
            if (human) {
                f.human().forEach(l -> out.print(l + "\n"));
            }
        }
        (human ? humanTrailer : trailer).forEach(l -> out.print(l + "\n"));
    }

    /** Prints the JSON object. */
    public static void printJson(PrintWriter out, ObjectNode node) {
        try {
            out.println(MAPPER.writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
