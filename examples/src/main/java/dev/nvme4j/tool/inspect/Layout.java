package dev.nvme4j.tool.inspect;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The one description of an NVMe data structure's fields, in the order nvme-cli prints them:
 * offset, size, nvme-cli's name (the JSON key), the label of the normal output, how the value is
 * shown, and optionally how {@code -H} decodes it. {@link #render} parses a structure with it and
 * produces both the normal lines and the JSON object, so the two cannot drift apart. Immutable
 * once built.
 */
final class Layout {
    /** How a field's bytes are read and shown. */
    enum Kind {
        /** Unsigned little-endian integer shown in decimal; a JSON number. */
        DEC,
        /** Unsigned integer shown like C's {@code %#x} ({@code 0} or {@code 0x1b36}); a JSON number. */
        HEX,
        /** ASCII, as stored (space padding kept, stops at NUL); a JSON string. */
        STR,
        /** IEEE OUI: three bytes shown most significant first ({@code 525400}); a JSON number. */
        IEEE,
        /** 128-bit unsigned counter in decimal; a JSON string, as nvme-cli prints 128-bit values. */
        U128,
        /** 16 bytes as a UUID ({@code 8-4-4-4-12} hex digits); a JSON string. */
        UUID,
        /** Bytes as hex digits in stored order (EUI64, NGUID); a JSON string. */
        HEXBYTES
    }

    /**
     * One field.
     *
     * @param name   nvme-cli's name: the JSON key
     * @param label  the text before {@code ": "} in the normal output, verbatim
     * @param offset byte offset
     * @param size   bytes
     * @param kind   how it is read and shown
     * @param lowBit first bit of a sub-byte field (with {@code bits} > 0)
     * @param bits   width of a sub-byte field, 0 for the whole bytes
     * @param text   how the normal output shows the value (null: by kind)
     * @param human  the {@code -H} decoding (null: none)
     * @param when   the field is present only when this holds for the structure (null: always)
     */
    record Field(String name, String label, int offset, int size, Kind kind, int lowBit, int bits,
                 Function<Object, String> text, Human human, Predicate<byte[]> when) {
        /** Reads the value: a Long for numbers, a BigInteger for 128-bit counters, else a String. */
        Object value(byte[] b, int base) {
            int off = base + offset;
            return switch (kind) {
                case DEC, HEX, IEEE -> {
                    long v = switch (size) {
                        case 1 -> Bytes.u8(b, off);
                        case 2 -> Bytes.u16(b, off);
                        case 3 -> Bytes.u8(b, off) | Bytes.u8(b, off + 1) << 8 | Bytes.u8(b, off + 2) << 16;
                        case 4 -> Bytes.u32(b, off);
                        case 8 -> Bytes.u64(b, off);
                        default -> throw new IllegalStateException(name + ": size " + size);
                    };
                    yield bits == 0 ? v : (v >>> lowBit) & ((1L << bits) - 1);
                }
                case U128 -> Bytes.u128(b, off);
                case STR -> Bytes.rawAscii(b, off, size);
                case UUID -> Bytes.uuid(b, off);
                case HEXBYTES -> Bytes.hex(b, off, size);
            };
        }

        String format(Object v) {
            if (text != null) {
                return text.apply(v);
            }
            return switch (kind) {
                case DEC -> Long.toUnsignedString((Long) v);
                case HEX -> cHex((Long) v);
                case IEEE -> String.format("%06x", (Long) v);
                default -> v.toString();
            };
        }
    }

    /** The {@code -H} decoding of one value into lines. */
    interface Human {
        List<String> lines(Object value);
    }

    private final List<Field> fields;

    private Layout(List<Field> fields) {
        this.fields = Collections.unmodifiableList(fields);
    }

    List<Field> fields() {
        return fields;
    }

    /** Parses the structure at {@code base} of {@code b} into normal lines and a JSON object. */
    Fields render(byte[] b, int base) {
        Fields out = new Fields();
        for (Field f : fields) {
            if (f.when() != null && !f.when().test(b)) {
                continue;
            }
            Object v = f.value(b, base);
            List<String> human = f.human() == null ? List.of() : f.human().lines(v);
            out.line(f.label(), f.format(v), human);
            ObjectNode json = out.json();
            switch (v) {
                case Long l when l < 0 -> json.put(f.name(), new BigInteger(Long.toUnsignedString(l)));
                case Long l -> json.put(f.name(), l);
                default -> json.put(f.name(), v.toString());
            }
        }
        return out;
    }

    /** C's {@code %#x}: {@code 0} for zero, else {@code 0x} and lower-case hex digits. */
    static String cHex(long v) {
        return v == 0 ? "0" : "0x" + Long.toHexString(v);
    }

    /** Kelvin as nvme-cli shows a temperature: {@code 50°C (323 Kelvin)}. */
    static String kelvin(long k) {
        return String.format(Locale.ROOT, "%d°C (%d Kelvin)", k - 273, k);
    }

    /** Starts a layout whose labels are the names padded to {@code labelWidth}. */
    static Builder builder(int labelWidth) {
        return new Builder(labelWidth);
    }

    /** Collects the fields in printing order. */
    static final class Builder {
        private final int width;
        private final List<Field> fields = new ArrayList<>();

        private Builder(int width) {
            this.width = width;
        }

        private String pad(String name) {
            return width <= 0 ? name : String.format("%-" + width + "s", name);
        }

        Builder add(String name, int offset, int size, Kind kind) {
            fields.add(new Field(name, pad(name), offset, size, kind, 0, 0, null, null, null));
            return this;
        }

        Builder dec(String name, int offset, int size) {
            return add(name, offset, size, Kind.DEC);
        }

        Builder hex(String name, int offset, int size) {
            return add(name, offset, size, Kind.HEX);
        }

        private Builder replaceLast(Function<Field, Field> f) {
            fields.set(fields.size() - 1, f.apply(fields.getLast()));
            return this;
        }

        /** The last field's normal-output label, verbatim (nvme-cli pads some with tabs). */
        Builder label(String label) {
            return replaceLast(f -> new Field(f.name(), label, f.offset(), f.size(), f.kind(), f.lowBit(), f.bits(),
                    f.text(), f.human(), f.when()));
        }

        /** The last field is bits {@code lowBit + n - 1 : lowBit} of its bytes. */
        Builder bits(int lowBit, int n) {
            return replaceLast(f -> new Field(f.name(), f.label(), f.offset(), f.size(), f.kind(), lowBit, n,
                    f.text(), f.human(), f.when()));
        }

        /** The last field's normal-output text. */
        Builder text(Function<Object, String> text) {
            return replaceLast(f -> new Field(f.name(), f.label(), f.offset(), f.size(), f.kind(), f.lowBit(), f.bits(),
                    text, f.human(), f.when()));
        }

        /** The last field's {@code -H} decoding. */
        Builder human(Human human) {
            return replaceLast(f -> new Field(f.name(), f.label(), f.offset(), f.size(), f.kind(), f.lowBit(), f.bits(),
                    f.text(), human, f.when()));
        }

        /** The last field is present only when {@code when} holds. */
        Builder when(Predicate<byte[]> when) {
            return replaceLast(f -> new Field(f.name(), f.label(), f.offset(), f.size(), f.kind(), f.lowBit(), f.bits(),
                    f.text(), f.human(), when));
        }

        Layout build() {
            return new Layout(new ArrayList<>(fields));
        }
    }
}
