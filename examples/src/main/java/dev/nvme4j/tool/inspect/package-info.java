/**
 * nvme-cli style inspection: {@code list}, {@code id-ctrl}, {@code id-ns}, {@code smart-log} and
 * {@code error-log}, with log pages and Identify data parsed here from their bytes.
 */
package dev.nvme4j.tool.inspect;
