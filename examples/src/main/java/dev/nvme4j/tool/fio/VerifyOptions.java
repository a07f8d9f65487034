package dev.nvme4j.tool.fio;

import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.Protection;
import dev.nvme4j.tool.cli.ByteSize;
import dev.nvme4j.tool.cli.FioFlag;
import dev.nvme4j.tool.cli.ToolException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** The fio options of data verification ({@link VerifyFormat} is what goes on the media). */
public final class VerifyOptions {
    /** {@code --verify}: fio's verify methods. */
    public enum Method {
        NONE("none", null), MD5("md5", VerifyFormat.Checksum.MD5), CRC64("crc64", VerifyFormat.Checksum.CRC64),
        CRC32("crc32", VerifyFormat.Checksum.CRC32), CRC32C_INTEL("crc32c-intel", VerifyFormat.Checksum.CRC32C),
        CRC32C("crc32c", VerifyFormat.Checksum.CRC32C), CRC16("crc16", VerifyFormat.Checksum.CRC16),
        CRC7("crc7", VerifyFormat.Checksum.CRC7), SHA1("sha1", VerifyFormat.Checksum.SHA1),
        SHA256("sha256", VerifyFormat.Checksum.SHA256), SHA512("sha512", VerifyFormat.Checksum.SHA512),
        SHA3_224("sha3-224", VerifyFormat.Checksum.SHA3_224), SHA3_256("sha3-256", VerifyFormat.Checksum.SHA3_256),
        SHA3_384("sha3-384", VerifyFormat.Checksum.SHA3_384), SHA3_512("sha3-512", VerifyFormat.Checksum.SHA3_512),
        XXHASH("xxhash", VerifyFormat.Checksum.XXHASH),
        /** The header only (and verify_pattern when given). */
        META("meta", null),
        /** verify_pattern only, no header. */
        PATTERN("pattern", null),
        /** The header and verify_pattern. */
        PATTERN_HDR("pattern_hdr", null),
        /** Both passes run, nothing is stamped or checked. */
        NULL("null", null);

        private final String spelling;
        private final VerifyFormat.Checksum checksum;

        Method(String spelling, VerifyFormat.Checksum checksum) {
            this.spelling = spelling;
            this.checksum = checksum;
        }

        /** fio's spelling ({@code crc32c-intel}, {@code sha3-256}). */
        public String spelling() {
            return spelling;
        }

        /** The checksum, null for none. */
        public VerifyFormat.Checksum checksum() {
            return checksum;
        }

        /** Converter accepting fio's names ({@code 0} is none, as in fio). */
        public static final class Converter implements ITypeConverter<Method> {
            @Override
            public Method convert(String value) {
                String v = value.strip().toLowerCase(Locale.ROOT);
                if (v.equals("0")) {
                    return NONE;
                }
                for (Method m : values()) {
                    if (m.spelling.equals(v)) {
                        return m;
                    }
                }
                throw new TypeConversionException("expected one of " + Arrays.stream(values()).map(Method::spelling)
                        .collect(Collectors.joining(", ", "[", "]")) + " but was '" + value + "'");
            }
        }
    }

    /** Parses {@code --verify_pattern}, reporting what is wrong with it. */
    public static final class PatternConverter implements ITypeConverter<VerifyPattern> {
        @Override
        public VerifyPattern convert(String value) {
            try {
                return VerifyPattern.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage() + " in '" + value + "' (expected pieces such as "
                        + "0xdeadbeef, 66, \"text\" and %o, e.g. 0xff%o\"abcd\")");
            }
        }
    }

    @Option(names = "--verify", paramLabel = "METHOD", converter = Method.Converter.class,
            description = "A checksum (crc32c, crc32c-intel, crc32, crc16, crc7, crc64, xxhash, md5, sha1, sha256, "
            + "sha512, sha3-224/256/384/512), meta (header only), pattern or pattern_hdr (verify_pattern without "
            + "or with a header) or null: write a pass stamping every verify unit, then read it back and check; "
            + "with a read-only workload check every read.")
    Method verify;

    @Option(names = "--verify_pattern", paramLabel = "PATTERN", converter = PatternConverter.class,
            description = "Write this pattern instead of generated data (0xHEX, a decimal, \"text\", %%o for the "
            + "block's offset; pieces may follow each other); without --verify it means --verify=pattern.")
    public VerifyPattern verifyPattern;

    @Option(names = "--verify_interval", paramLabel = "SIZE", converter = ByteSize.class,
            description = "Bytes each verify header covers (default: one logical block); a multiple of the LBA size "
            + "dividing every I/O size.")
    public Long verifyInterval;

    @Option(names = "--verify_fatal", arity = "0..1", fallbackValue = "1", converter = FioFlag.class,
            paramLabel = "0|1", description = "Stop the job at the first bad block (default 0: check everything).")
    public boolean verifyFatal;

    @Option(names = "--do_verify", arity = "0..1", fallbackValue = "1", converter = FioFlag.class,
            paramLabel = "0|1", description = "1 (default): a verifying job that writes reads its pass back and "
            + "checks it; 0: it only writes (stamped, for a later --verify_only).")
    public boolean doVerify = true;

    @Option(names = "--verify_only", arity = "0..1", fallbackValue = "1", converter = FioFlag.class,
            paramLabel = "0|1", description = "Write nothing: read back and check what the same job wrote in an "
            + "earlier run (same options and seed; the generation is not checked).")
    public boolean verifyOnly;

    @Option(names = "--verify_backlog", paramLabel = "N", converter = ByteSize.class,
            description = "Read back and check the written blocks after every N writes while the job runs (as fio: "
            + "N writes, then a batch of reads of the oldest ones), the rest at the end (default 0: all at the end).")
    public Long verifyBacklog;

    @Option(names = "--verify_backlog_batch", paramLabel = "N", converter = ByteSize.class,
            description = "Reads of each verify_backlog batch (default: verify_backlog); fewer leave blocks for "
            + "later batches, more read each further write back as soon as it completed.")
    public Long verifyBacklogBatch;

    @Option(names = "--verify_dump", arity = "0..1", fallbackValue = "1", converter = FioFlag.class,
            paramLabel = "0|1", description = "Write each bad verify unit as read (NAME.OFFSET.received) and as "
            + "expected (NAME.OFFSET.expected) to files in the working directory, as fio does.")
    public boolean verifyDump;

    /** Where verify_dump writes its files: fio's --aux-path, else the working directory (set by the command). */
    public java.nio.file.Path dumpDir = java.nio.file.Path.of("");
    /** The device's name in verify_dump's file names (set by the command). */
    public String dumpDevice = "mock";

    /** Largest verify_backlog: the job keeps this many written blocks (and iodepth more) to read back. */
    public static final long MAX_BACKLOG = 1L << 20;

    /** The verify method: --verify, else pattern when --verify_pattern is given (as fio), else none. */
    public Method method() {
        return verify != null ? verify : verifyPattern != null ? Method.PATTERN : Method.NONE;
    }

    /** True when the job verifies. */
    boolean enabled() {
        return method() != Method.NONE;
    }

    /** The format of the job's verify units, or null when nothing is stamped ({@code verify=null}). */
    VerifyFormat format(int lbaSize) {
        Method m = method();
        if (m == Method.NULL || m == Method.NONE) {
            return null;
        }
        int unit = verifyInterval == null ? lbaSize : (int) (long) verifyInterval;
        return new VerifyFormat(lbaSize, unit, m.checksum(), m != Method.PATTERN, verifyPattern);
    }

    /** Checks what can be checked without the device. */
    void checkAlone(RwMode rw) {
        Method m = method();
        if ((verifyOnly || !doVerify) && m == Method.NONE) {
            throw ToolException.usage("--" + (verifyOnly ? "verify_only" : "do_verify=0")
                    + " needs --verify (crc32c, md5, sha256, ...)");
        }
        if ((m == Method.PATTERN || m == Method.PATTERN_HDR) && verifyPattern == null) {
            throw ToolException.usage("--verify=" + m.spelling() + " needs --verify_pattern (e.g. "
                    + "--verify_pattern=0xdeadbeef)");
        }
        FioOptions.range("--verify_backlog", verifyBacklog == null ? 0 : verifyBacklog, 0, MAX_BACKLOG);
        FioOptions.range("--verify_backlog_batch", verifyBacklogBatch == null ? 0 : verifyBacklogBatch, 0,
                MAX_BACKLOG);
        if (m != Method.NONE && rw.trims()) {
            throw ToolException.usage("--verify cannot check a trim workload (--rw=" + rw.spelling()
                    + "): trimmed blocks hold no data to verify");
        }
    }

    /**
     * Checks that the verification fits the workload and the namespace.
     *
     * @param ioUnit the granularity of the job's offsets and sizes in bytes
     * @throws ToolException naming the option when it does not
     */
    void check(RwMode rw, Namespace ns, Protection protection, int ioUnit) {
        checkAlone(rw);
        Method m = method();
        if (m == Method.NONE) {
            return;
        }
        int lba = ns.lbaSize();
        if (lba < 64) {
            throw ToolException.usage("--verify=" + m.spelling() + " needs an LBA size of at least 64 bytes");
        }
        if (ns.dataBytesPerBlock(protection) != lba) {
            throw ToolException.usage("--verify=" + m.spelling() + " on namespace " + ns.nsid() + " ("
                    + ns.describeFormat()
                    + "): the metadata is interleaved with the data; verify with a format with separate metadata "
                    + "or with --pi=controller on 8-byte metadata");
        }
        long unit = verifyInterval == null ? lba : verifyInterval;
        if (unit <= 0 || unit % lba != 0 || ioUnit % unit != 0) {
            throw ToolException.usage("Invalid value for option '--verify_interval': " + unit + " must be a multiple "
                    + "of the LBA size (" + lba + " bytes) that divides the I/O size and alignment (" + ioUnit
                    + " bytes)");
        }
        VerifyFormat.Checksum sum = m.checksum();
        if (sum != null && unit < VerifyFormat.HEADER_BYTES + sum.length() + 8) {
            throw ToolException.usage("Invalid value for option '--verify_interval': --verify=" + m.spelling()
                    + " needs at least " + (VerifyFormat.HEADER_BYTES + sum.length() + 8) + " bytes per unit");
        }
    }
}
