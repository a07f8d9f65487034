/**
 * NVMe over TCP (NVMe/TCP Transport Specification 1.0), the part below the transport seam: not
 * exported, not yet used by {@code ctrl}/{@code queue}.
 *
 * <h2>Pieces</h2>
 * <ul>
 * <li>{@link dev.nvme4j.tcp.TcpPdu}: PDU types, flags, lengths and offsets.</li>
 * <li>PduSender / PduReceiver: the codec. Headers are built and parsed in fixed per-queue
 * buffers; data is copied between those buffers and the command's buffer; header and data
 * digests are CRC32C. Every received header is checked (type, HLEN, PDO, PLEN, flags, digest)
 * before it is acted on, so a malformed or oversized PDU fails the connection with an
 * H2CTermReq, and the peer never decides how much the host allocates.</li>
 * <li>{@link dev.nvme4j.tcp.TcpQueue}: one connection = one queue: ICReq/ICResp, command
 * capsules, R2T/H2CData, C2HData, CapsuleResp; completes each command once, with a transport
 * error status when the connection fails; its per-CID state is in {@code CommandSlots}, the
 * checks of each received PDU against it in {@code PduEvents}, ICReq/ICResp in
 * {@code Negotiation}, waiting R2Ts in {@code R2tFifo}.</li>
 * <li>{@link dev.nvme4j.tcp.TcpController}: Fabrics Connect, Property Get/Set, the enable and
 * shutdown sequences, Identify, Keep Alive, I/O queues ({@link dev.nvme4j.tcp.TcpIoQueue}).</li>
 * <li>{@link dev.nvme4j.tcp.TcpDiscovery}: the discovery log page.</li>
 * </ul>
 *
 * <p>How this joins the shared queue layer: docs/NVME-TCP.md.
 */
package dev.nvme4j.tcp;
