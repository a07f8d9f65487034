package dev.nvme4j.tool.fio;

import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.Protection;
import dev.nvme4j.tool.cli.FioFlag;
import dev.nvme4j.tool.cli.LowerCaseEnumConverter;
import dev.nvme4j.tool.cli.ToolException;
import picocli.CommandLine.Option;

/** The fio options of data verification. */
public final class VerifyOptions {
    /** {@code --verify}: none or the checksum of every block ({@link VerifyFormat.Checksum}). */
    public enum Method {
        NONE, CRC32C, CRC32C_INTEL, MD5, SHA256;

        /** fio's spelling ({@code crc32c-intel}). */
        public String spelling() {
            return LowerCaseEnumConverter.spelling(this).replace('_', '-');
        }

        /** Converter accepting {@code none}, {@code crc32c}, {@code crc32c-intel}, {@code md5}, {@code sha256}. */
        public static final class Converter extends LowerCaseEnumConverter<Method> {
            public Converter() {
                super(Method.class);
            }

            @Override
            public Method convert(String value) {
                return super.convert(value.replace('-', '_'));
            }

            @Override
            public String allowed() {
                return "[none, crc32c, crc32c-intel, md5, sha256]";
            }
        }
    }

    @Option(names = "--verify", paramLabel = "none|crc32c|crc32c-intel|md5|sha256",
            converter = Method.Converter.class, defaultValue = "none", description = "A checksum (crc32c, "
            + "crc32c-intel, md5, sha256): write a pass stamping every block (LBA, generation, checksum), then "
            + "read it back and check; with a read-only workload check every read.")
    public Method verify = Method.NONE;

    @Option(names = "--do_verify", arity = "0..1", fallbackValue = "1", converter = FioFlag.class,
            paramLabel = "0|1", description = "1 (default): a verifying job that writes reads its pass back and "
            + "checks it; 0: it only writes (stamped, for a later --verify_only).")
    public boolean doVerify = true;

    @Option(names = "--verify_only", arity = "0..1", fallbackValue = "1", converter = FioFlag.class,
            paramLabel = "0|1", description = "Write nothing: read back and check what the same job wrote in an "
            + "earlier run (same options and seed; the generation is not checked).")
    public boolean verifyOnly;

    /** True when the job verifies. */
    boolean enabled() {
        return verify != Method.NONE;
    }

    /**
     * Checks that the verification fits the workload and the namespace.
     *
     * @throws ToolException naming the option when it does not
     */
    void check(RwMode rw, Namespace ns, Protection protection) {
        if ((verifyOnly || !doVerify) && verify == Method.NONE) {
            throw ToolException.usage("--" + (verifyOnly ? "verify_only" : "do_verify=0")
                    + " needs --verify (crc32c, md5 or sha256)");
        }
        if (verify != Method.NONE && rw.trims()) {
            throw ToolException.usage("--verify cannot check a trim workload (--rw=" + rw.spelling()
                    + "): trimmed blocks hold no data to verify");
        }
        if (verify != Method.NONE && ns.lbaSize() < 64) {
            throw ToolException.usage("--verify=" + verify.spelling() + " needs an LBA size of at least 64 bytes");
        }
        if (verify != Method.NONE && ns.dataBytesPerBlock(protection) != ns.lbaSize()) {
            throw ToolException.usage("--verify=" + verify.spelling() + " on namespace " + ns.nsid() + " ("
                    + ns.describeFormat()
                    + "): the metadata is interleaved with the data; verify with a format with separate metadata "
                    + "or with --pi=controller on 8-byte metadata");
        }
    }
}
