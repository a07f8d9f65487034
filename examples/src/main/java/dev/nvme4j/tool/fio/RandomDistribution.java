package dev.nvme4j.tool.fio;

import dev.nvme4j.tool.cli.ToolException;
import java.util.SplittableRandom;

/**
 * fio's {@code random_distribution}: how random offsets spread over a job's units. {@code random}
 * (uniform, the default); {@code zipf:THETA} and {@code pareto:H} (a few units take most of the
 * I/O: the rank drawn, then scattered over the region by a hash, as in fio); {@code normal:DEV}
 * (a bell of DEV percent of the region around its middle); {@code zoned:A/R:...} (A percent of
 * the accesses go to the next R percent of the region, in turn). Zipf and pareto take an optional
 * {@code :CENTER} (0 to 1) that shifts the hot spot, as fio's. Like fio, a non-uniform
 * distribution has no random map (units may repeat). Draws allocate nothing; one per job.
 */
public final class RandomDistribution {
    /** fio's cap on the terms of zipf's normalising sum. */
    private static final long ZIPF_MAX_TERMS = 10_000_000L;
    private static final int NORMAL_TERMS = 12;

    enum Kind { RANDOM, ZIPF, PARETO, NORMAL, ZONED }

    private final Kind kind;
    private final double value;
    private final double center;
    /** zoned: cumulative access percentages and region percentages. */
    private final int[] accessCum;
    private final int[] rangeCum;

    private RandomDistribution(Kind kind, double value, double center, int[] accessCum, int[] rangeCum) {
        this.kind = kind;
        this.value = value;
        this.center = center;
        this.accessCum = accessCum;
        this.rangeCum = rangeCum;
    }

    /** Uniform. */
    public static final RandomDistribution RANDOM = new RandomDistribution(Kind.RANDOM, 0, -1, null, null);

    /**
     * Parses fio's spelling.
     *
     * @throws ToolException naming the option and what was wrong
     */
    public static RandomDistribution parse(String text) {
        String s = text.strip();
        int colon = s.indexOf(':');
        String name = colon < 0 ? s : s.substring(0, colon);
        String rest = colon < 0 ? null : s.substring(colon + 1);
        switch (name) {
            case "random" -> {
                if (rest != null) {
                    throw bad(text, "random takes no value");
                }
                return RANDOM;
            }
            case "zipf", "pareto", "normal" -> {
                double def = name.equals("zipf") ? 1.1 : name.equals("pareto") ? 0.2 : 0.0;
                double v = def;
                double c = -1;
                if (rest != null) {
                    String[] parts = rest.split(":");
                    v = number(text, parts[0]);
                    if (parts.length > 1) {
                        c = number(text, parts[1]);
                        if (c < 0 || c > 1) {
                            throw bad(text, "the center must be between 0 and 1");
                        }
                    }
                }
                if (name.equals("zipf") && (v == 1.0 || v <= 0)) {
                    throw bad(text, "zipf's theta must be more than 0 and not 1");
                }
                if (name.equals("pareto") && (v <= 0 || v >= 1)) {
                    throw bad(text, "pareto's h must be between 0 and 1 (exclusive)");
                }
                if (name.equals("normal") && (v < 0 || v >= 100)) {
                    throw bad(text, "normal's deviation must be 0 to 100 (exclusive) percent of the region");
                }
                Kind k = name.equals("zipf") ? Kind.ZIPF : name.equals("pareto") ? Kind.PARETO : Kind.NORMAL;
                return new RandomDistribution(k, v, c, null, null);
            }
            case "zoned" -> {
                return zoned(text, rest);
            }
            case "zoned_abs" -> throw bad(text, "zoned_abs is not supported; give the zones in percent (zoned)");
            default -> throw bad(text, "expected random, zipf[:THETA], pareto[:H], normal[:DEV] or zoned:A/R:...");
        }
    }

    private static RandomDistribution zoned(String text, String rest) {
        if (rest == null || rest.isBlank()) {
            throw bad(text, "zoned needs zones, e.g. zoned:60/10:30/20:10/70");
        }
        if (rest.contains(",")) {
            throw bad(text, "per-direction zones (',') are not supported; give one list");
        }
        String[] zones = rest.split(":");
        int[] access = new int[zones.length];
        int[] range = new int[zones.length];
        int a = 0;
        int r = 0;
        for (int i = 0; i < zones.length; i++) {
            String[] ar = zones[i].split("/", -1);
            if (ar.length != 2) {
                throw bad(text, "a zone is ACCESS%/RANGE% such as 60/10 but was '" + zones[i] + "'");
            }
            a += (int) number(text, ar[0]);
            // as fio: a last zone without a range takes the rest of the region
            r += ar[1].isBlank() && i == zones.length - 1 ? 100 - r : (int) number(text, ar[1]);
            access[i] = a;
            range[i] = r;
        }
        if (a != 100 || r != 100) {
            throw bad(text, "the zones' accesses and ranges must each add up to 100 but are " + a + " and " + r);
        }
        return new RandomDistribution(Kind.ZONED, 0, -1, access, range);
    }

    private static double number(String text, String part) {
        try {
            return Double.parseDouble(part.strip().replace("%", ""));
        } catch (NumberFormatException e) {
            throw bad(text, "'" + part + "' is not a number");
        }
    }

    private static ToolException bad(String text, String why) {
        return ToolException.usage("Invalid value for option '--random_distribution': " + why + " (in '" + text
                + "')");
    }

    /** True for the uniform distribution (the random map applies). */
    public boolean uniform() {
        return kind == Kind.RANDOM;
    }

    /** fio's spelling, for reports. */
    public String describe() {
        return switch (kind) {
            case RANDOM -> "random";
            case ZIPF -> "zipf:" + value;
            case PARETO -> "pareto:" + value;
            case NORMAL -> "normal:" + value;
            case ZONED -> "zoned";
        };
    }

    /** A generator of this distribution over {@code units} units. */
    public Draws over(long units, long seed) {
        return new Draws(units, seed);
    }

    /** Draws of the distribution over a number of units; not thread-safe. */
    public final class Draws {
        private final long n;
        private final long seed;
        private SplittableRandom random;
        private long offset;
        private final double zetan;
        private final double zeta2;
        private final double paretoPow;
        private final long deviation;

        private Draws(long n, long seed) {
            this.n = n;
            this.seed = seed;
            double z = 0;
            if (kind == Kind.ZIPF) {
                for (long i = 0, terms = Math.min(n, ZIPF_MAX_TERMS); i < terms; i++) {
                    z += Math.pow(1.0 / (i + 1), value);
                }
            }
            this.zetan = z;
            this.zeta2 = 1.0 + Math.pow(0.5, value);
            this.paretoPow = kind == Kind.PARETO ? Math.log(value) / Math.log(1.0 - value) : 0;
            long dev = kind == Kind.NORMAL && value > 0 ? (long) Math.ceil(n * value / 100.0) : 0;
            this.deviation = Math.min(dev, n / 2);
            reseed();
        }

        /** Starts the same sequence of draws again. */
        public void reseed() {
            random = new SplittableRandom(seed);
            long off = center >= 0 ? (long) (n * center) : random.nextLong(n);
            offset = kind == Kind.NORMAL ? (center >= 0 ? (long) (n * (center - 0.5)) : 0) : off;
        }

        /** The next unit in {@code [0, n)}. */
        public long next() {
            return switch (kind) {
                case RANDOM -> random.nextLong(n);
                case ZIPF -> scatter(zipfRank());
                case PARETO -> scatter((long) ((n - 1) * Math.pow(random.nextDouble(), paretoPow)));
                case NORMAL -> Math.floorMod(normal() + offset, n);
                case ZONED -> zoned();
            };
        }

        /** Gray et al.'s method, as fio's lib/zipf.c: ranks 0 (hottest) to n-1. */
        private long zipfRank() {
            double alpha = 1.0 / (1.0 - value);
            double eta = (1.0 - Math.pow(2.0 / n, 1.0 - value)) / (1.0 - zeta2 / zetan);
            double u = random.nextDouble();
            double uz = u * zetan;
            if (uz < 1.0) {
                return 0;
            }
            if (uz < zeta2) {
                return 1;
            }
            return Math.min(n - 1, (long) (n * Math.pow(eta * u - eta + 1.0, alpha)));
        }

        /** Spreads ranks over the region (the hot units are not all at its start), shifted by the offset. */
        private long scatter(long rank) {
            return Math.floorMod(mix64(rank) + offset, n);
        }

        /** The mean of 12 uniform draws (about normal around the middle), spread by the deviation. */
        private long normal() {
            long sum = 0;
            for (int i = 0; i < NORMAL_TERMS; i++) {
                sum += random.nextLong(n + 1);
            }
            sum = (sum + NORMAL_TERMS - 1) / NORMAL_TERMS;
            if (deviation > 0) {
                long dev = (long) (deviation * random.nextDouble()) - deviation / 2;
                while (dev + sum >= n) {
                    dev /= 2;
                }
                sum += dev;
            }
            return Math.min(sum, n - 1);
        }

        private long zoned() {
            int v = 1 + random.nextInt(100);
            int z = 0;
            while (accessCum[z] < v) {
                z++;
            }
            long start = z == 0 ? 0 : rangeCum[z - 1] * n / 100;
            long end = Math.max(start + 1, rangeCum[z] * n / 100);
            return start + random.nextLong(end - start);
        }
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return (z ^ (z >>> 33)) & Long.MAX_VALUE;
    }
}
