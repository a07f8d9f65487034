package dev.nvme4j.tool.fio;

import dev.nvme4j.tool.cli.ByteSize;
import dev.nvme4j.tool.cli.ToolException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The sizes of a job's I/Os: one ({@code bs}), any multiple of the smallest within a range
 * ({@code bsrange=4k-64k}, chosen uniformly) or a weighted list ({@code bssplit=4k/60:64k/40};
 * sizes without a weight share what the others leave of 100%, as in fio). Immutable;
 * {@link #next} is allocation-free.
 */
public final class BlockSizes {
    private final int[] sizes;
    /** Cumulative weights out of {@link #total}; null for a fixed size or a range. */
    private final int[] cumulative;
    private final int total;
    private final boolean range;
    /** Per data direction (read, write, trim) when they differ, else null. */
    private final BlockSizes[] byDirection;

    private BlockSizes(int[] sizes, int[] cumulative, int total, boolean range) {
        this.sizes = sizes;
        this.cumulative = cumulative;
        this.total = total;
        this.range = range;
        this.byDirection = null;
    }

    private BlockSizes(BlockSizes[] byDirection) {
        List<Integer> all = new ArrayList<>();
        for (BlockSizes b : byDirection) {
            for (int v : b.sizes) {
                all.add(v);
            }
        }
        this.sizes = all.stream().mapToInt(Integer::intValue).toArray();
        this.cumulative = null;
        this.total = 0;
        this.range = false;
        this.byDirection = byDirection.clone();
    }

    /** Sizes per data direction: reads, writes, trims (fio's {@code bs=4k,8k}). */
    public static BlockSizes perDirection(BlockSizes read, BlockSizes write, BlockSizes trim) {
        if (read.sameAs(write) && read.sameAs(trim)) {
            return read;
        }
        return new BlockSizes(new BlockSizes[] {read, write, trim});
    }

    private boolean sameAs(BlockSizes o) {
        return byDirection == null && o.byDirection == null && range == o.range && total == o.total
                && java.util.Arrays.equals(sizes, o.sizes) && java.util.Arrays.equals(cumulative, o.cumulative);
    }

    /**
     * fio's per-direction values: {@code A,B,C} for reads, writes and trims; an empty one is the
     * default (null here); a last value not followed by a comma applies to the directions after it
     * ({@code 8k,32k}: trims 32k; {@code 8k,32k,}: trims the default; {@code ,8k}: reads the default).
     */
    public static String[] directions(String option, String value) {
        String[] parts = value.split(",", -1);
        if (parts.length > 3) {
            throw ToolException.usage("Invalid value for option '" + option + "': at most three values (reads, "
                    + "writes, trims) but was '" + value + "'");
        }
        String[] out = new String[3];
        for (int i = 0; i < 3; i++) {
            String p = i < parts.length ? parts[i].strip() : parts[parts.length - 1].strip();
            out[i] = p.isEmpty() ? null : p;
        }
        return out;
    }

    /** Checks {@code --bs=SIZE[,SIZE[,SIZE]]} as it is parsed (sizes with fio's suffixes); the value stays text. */
    public static final class PerDirectionConverter implements picocli.CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String[] parts = value.split(",", -1);
            if (parts.length > 3) {
                throw new picocli.CommandLine.TypeConversionException("at most three sizes (reads, writes, trims) "
                        + "but was '" + value + "'");
            }
            for (String p : parts) {
                if (!p.isBlank()) {
                    ByteSize.parse(p.strip()); // throws naming the accepted forms
                }
            }
            return value;
        }
    }

    /** The sizes of direction {@code dir} (0 read, 1 write, 2 trim). */
    public BlockSizes of(int dir) {
        return byDirection == null ? this : byDirection[dir];
    }

    /** True when the directions have different sizes. */
    public boolean perDirection() {
        return byDirection != null;
    }

    /** Every I/O of {@code bs} bytes. */
    public static BlockSizes fixed(int bs) {
        return new BlockSizes(new int[] {bs}, null, 0, false);
    }

    /** fio's {@code bsrange=MIN-MAX}. */
    public static BlockSizes range(String value) {
        int dash = value.indexOf('-');
        if (dash <= 0) {
            throw ToolException.usage("Invalid value for option '--bsrange': expected MIN-MAX such as 4k-64k but was '"
                    + value + "'");
        }
        int min = size("--bsrange", value.substring(0, dash));
        int max = size("--bsrange", value.substring(dash + 1));
        if (max < min) {
            throw ToolException.usage("Invalid value for option '--bsrange': the maximum is below the minimum in '"
                    + value + "'");
        }
        return new BlockSizes(new int[] {min, max - max % min}, null, 0, true);
    }

    /** fio's {@code bssplit=SIZE/PCT:SIZE/PCT...}. */
    public static BlockSizes split(String value) {
        List<Integer> sizes = new ArrayList<>();
        List<Integer> weights = new ArrayList<>();
        int given = 0;
        int blank = 0;
        for (String part : value.split(":")) {
            int slash = part.indexOf('/');
            sizes.add(size("--bssplit", slash < 0 ? part : part.substring(0, slash)));
            String w = slash < 0 ? "" : part.substring(slash + 1).strip();
            int pct;
            try {
                pct = w.isEmpty() ? -1 : Integer.parseInt(w);
            } catch (NumberFormatException e) {
                throw ToolException.usage("Invalid value for option '--bssplit': expected SIZE/PERCENT entries "
                        + "such as 4k/60:64k/40 but was '" + part + "'");
            }
            if (pct < -1 || pct > 100) {
                throw ToolException.usage("Invalid value for option '--bssplit': a share must be 0 to 100 but was "
                        + pct + " in '" + part + "'");
            }
            weights.add(pct);
            if (pct < 0) {
                blank++;
            } else {
                given += pct;
            }
        }
        if (given > 100 || (blank == 0 && given != 100)) {
            throw ToolException.usage("Invalid value for option '--bssplit': the shares add up to " + given
                    + "% instead of 100% in '" + value + "'");
        }
        int[] s = new int[sizes.size()];
        int[] cum = new int[sizes.size()];
        int sum = 0;
        int share = blank == 0 ? 0 : (100 - given) / blank;
        for (int i = 0; i < s.length; i++) {
            s[i] = sizes.get(i);
            sum += weights.get(i) < 0 ? share : weights.get(i);
            cum[i] = sum;
        }
        if (sum == 0) {
            throw ToolException.usage("Invalid value for option '--bssplit': every share is 0 in '" + value + "'");
        }
        return new BlockSizes(s, cum, sum, false);
    }

    private static int size(String option, String text) {
        long v;
        try {
            v = ByteSize.parse(text);
        } catch (RuntimeException e) {
            throw ToolException.usage("Invalid value for option '" + option + "': " + e.getMessage());
        }
        if (v <= 0 || v > FioOptions.MAX_BS) {
            throw ToolException.usage("Invalid value for option '" + option + "': a size must be between 1 and "
                    + ByteSize.format(FioOptions.MAX_BS) + " but was '" + text + "'");
        }
        return (int) v;
    }

    /** The smallest size: the alignment of offsets. */
    public int min() {
        int m = Integer.MAX_VALUE;
        for (int s : sizes) {
            m = Math.min(m, s);
        }
        return m;
    }

    /** The largest size: what each I/O buffer holds. */
    public int max() {
        int m = 0;
        for (int s : sizes) {
            m = Math.max(m, s);
        }
        return m;
    }

    /** True when every I/O has the same size. */
    public boolean isFixed() {
        return sizes.length == 1 || min() == max();
    }

    /** All sizes (for checks against the LBA size). */
    public int[] all() {
        return sizes.clone();
    }

    /** The next I/O's size for direction {@code dir} (0 read, 1 write, 2 trim). */
    public int next(SplittableRandom random, int dir) {
        return byDirection == null ? next(random) : byDirection[dir].next(random);
    }

    /** The next I/O's size. */
    public int next(SplittableRandom random) {
        if (sizes.length == 1) {
            return sizes[0];
        }
        if (range) {
            int min = sizes[0];
            return min * (1 + random.nextInt(sizes[1] / min));
        }
        int r = random.nextInt(total);
        for (int i = 0; i < cumulative.length; i++) {
            if (r < cumulative[i]) {
                return sizes[i];
            }
        }
        return sizes[sizes.length - 1];
    }

    /** fio's header form: {@code 4096B-65536B}. */
    public String describe() {
        return min() + "B-" + max() + "B";
    }

    /** fio's header form for direction {@code dir}. */
    public String describe(int dir) {
        return of(dir).describe();
    }
}
