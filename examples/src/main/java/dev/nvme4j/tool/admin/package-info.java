/**
 * The management and raw I/O commands of the tool, with nvme-cli's subcommand and option names:
 * get-feature, set-feature, get-log, list-ns, format, read, write, compare, write-zeroes, dsm,
 * flush, admin-passthru and io-passthru.
 */
package dev.nvme4j.tool.admin;
