/** Command-line plumbing shared by the subcommands: value converters, output format, failures. */
package dev.nvme4j.tool.cli;
