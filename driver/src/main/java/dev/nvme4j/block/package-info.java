/**
 * Storage-application API: {@link dev.nvme4j.block.BlockDevice}, a namespace that any number of
 * platform or virtual threads use with blocking calls or futures, and
 * {@link dev.nvme4j.block.BlockFileChannel}, a {@link java.nio.channels.FileChannel} over it.
 * Built only on the public API ({@code dev.nvme4j.api}): a few queue pairs with lock-free hand-off
 * from callers; a caller drives its pair itself when nobody else is, an owner thread per pair
 * polls or waits for interrupts otherwise.
 */
package dev.nvme4j.block;
