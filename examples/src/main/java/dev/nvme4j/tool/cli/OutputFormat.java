package dev.nvme4j.tool.cli;

/** {@code --output-format}: human-readable text or JSON. */
public enum OutputFormat {
    NORMAL, JSON;

    /** Converter accepting {@code normal} and {@code json}. */
    public static final class Converter extends LowerCaseEnumConverter<OutputFormat> {
        public Converter() {
            super(OutputFormat.class);
        }
    }
}
