package dev.nvme4j.tool.inspect;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import java.util.function.LongPredicate;

/**
 * The {@code -H} decoding of a bit field as nvme-cli prints it: one line per sub-field,
 * {@code "  [hi:lo] : <value>\t<meaning>"}, then an empty line. Reserved sub-fields are shown
 * only when non-zero. Immutable.
 */
final class Bits implements Layout.Human {
    /**
     * One sub-field.
     *
     * @param prefix  the text before the value (normally {@code "  [hi:lo] : "})
     * @param hi      highest bit
     * @param lo      lowest bit
     * @param value   how the value is shown (null: C's {@code %#x})
     * @param meaning the text after the tab, from the sub-field's value
     * @param show    whether the line is shown, from the whole value
     */
    record Sub(String prefix, int hi, int lo, LongFunction<String> value, LongFunction<String> meaning,
               LongPredicate show) {
        long of(long v) {
            int n = hi - lo + 1;
            return (v >>> lo) & (n >= 64 ? -1L : (1L << n) - 1);
        }

        /** The same sub-field with another prefix (nvme-cli's spacing varies). */
        Sub at(String p) {
            return new Sub(p, hi, lo, value, meaning, show);
        }

        /** The same sub-field, shown only when {@code s} holds for the whole value. */
        Sub onlyIf(LongPredicate s) {
            return new Sub(prefix, hi, lo, value, meaning, s);
        }
    }

    private final List<Sub> subs;
    private final boolean blankAfter;

    private Bits(List<Sub> subs, boolean blankAfter) {
        this.subs = subs;
        this.blankAfter = blankAfter;
    }

    static Bits of(Sub... subs) {
        return new Bits(List.of(subs), true);
    }

    /** The same decoding without the empty line after it. */
    Bits noBlank() {
        return new Bits(subs, false);
    }

    private static String prefix(int hi, int lo) {
        return "  [" + hi + ":" + lo + "] : ";
    }

    /** A sub-field whose meaning is computed from its value. */
    static Sub field(int hi, int lo, LongFunction<String> meaning) {
        return new Sub(prefix(hi, lo), hi, lo, null, meaning, v -> true);
    }

    /** A one-bit sub-field: {@code fmt} with {@code %s} replaced by {@code yes} or {@code no}. */
    static Sub flag(int bit, String fmt, String yes, String no) {
        return field(bit, bit, x -> String.format(fmt, x != 0 ? yes : no));
    }

    /** A one-bit "... %sSupported" sub-field: "" when set, "Not " when clear. */
    static Sub sup(int bit, String fmt) {
        return flag(bit, fmt, "", "Not ");
    }

    /** Reserved bits, shown only when non-zero. */
    static Sub rsvd(int hi, int lo) {
        Sub s = field(hi, lo, x -> "Reserved");
        return s.onlyIf(v -> s.of(v) != 0);
    }

    /** A line with its own prefix and value text (e.g. a temperature). */
    static Sub line(String prefix, LongFunction<String> value, String meaning) {
        return line(prefix, value, x -> meaning);
    }

    /** A line with its own prefix and value text, its meaning computed from the whole value. */
    static Sub line(String prefix, LongFunction<String> value, LongFunction<String> meaning) {
        return new Sub(prefix, 63, 0, value, meaning, v -> true);
    }

    @Override
    public List<String> lines(Object value) {
        long v = value instanceof BigInteger b ? b.longValue() : (Long) value;
        List<String> out = new ArrayList<>();
        for (Sub s : subs) {
            if (!s.show().test(v)) {
                continue;
            }
            long x = s.of(v);
            String shown = s.value() != null ? s.value().apply(v) : Layout.cHex(x);
            out.add(s.prefix() + shown + "\t" + s.meaning().apply(x));
        }
        if (blankAfter) {
            out.add("");
        }
        return out;
    }
}
