/** NVMe over Fabrics commands of the tool: {@code discover} over NVMe/TCP. */
package dev.nvme4j.tool.fabrics;
