/**
 * The {@code nvme4j} command-line tool: {@link dev.nvme4j.tool.Main} and its subcommands, a
 * fio-like benchmark and verifier ({@code dev.nvme4j.tool.fio}) and nvme-cli style inspection
 * ({@code dev.nvme4j.tool.inspect}), opening devices through {@code dev.nvme4j.tool.device}.
 */
package dev.nvme4j.tool;
