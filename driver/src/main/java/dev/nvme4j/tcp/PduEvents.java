package dev.nvme4j.tcp;

import static dev.nvme4j.tcp.TcpPdu.*;

import dev.nvme4j.api.Status;
import java.lang.foreign.MemorySegment;

/**
 * The receiver's events for one {@link TcpQueue}, checked against the queue's per-CID state
 * before they change it: a PDU for a command that is not outstanding, data outside the
 * command's transfer or out of order, a second R2T, or an ICResp outside what this host speaks
 * is a protocol error (the queue fails with the fatal error status and offset of NVMe/TCP 3.6.2.x).
 */
final class PduEvents implements PduReceiver.Listener {
    private final TcpQueue q;
    private final CommandSlots slots;

    PduEvents(TcpQueue q) {
        this.q = q;
        this.slots = q.slots;
    }

    @Override
    public void onIcResp(int pfv, int cpda, int digest, int maxData) throws TcpTransportException {
        if (pfv != PFV_1_0) {
            throw TcpTransportException.protocol(FES_UNSUPPORTED_PARAMETER, OFF_IC_PFV,
                    "ICResp with PDU format version " + pfv + "; this host speaks version 0 (NVMe/TCP 1.0)");
        }
        if (cpda > MAX_PDA) {
            throw TcpTransportException.protocol(FES_INVALID_HEADER_FIELD, OFF_IC_PDA, "ICResp with CPDA " + cpda
                    + ", above " + MAX_PDA);
        }
        if ((digest & ~(IC_DGST_HEADER | IC_DGST_DATA)) != 0) {
            throw TcpTransportException.protocol(FES_INVALID_HEADER_FIELD, OFF_IC_DGST,
                    "ICResp with reserved digest bits 0x" + Integer.toHexString(digest));
        }
        if (Integer.compareUnsigned(maxData, MIN_MAXH2CDATA) < 0 || (maxData & 3) != 0) {
            throw TcpTransportException.protocol(FES_INVALID_HEADER_FIELD, OFF_IC_MAXR2T_OR_MAXH2CDATA,
                    "ICResp with MAXH2CDATA " + Integer.toUnsignedString(maxData)
                            + ": at least 4096 and a multiple of 4 is required");
        }
        q.negotiation.negotiated((digest & IC_DGST_HEADER) != 0, (digest & IC_DGST_DATA) != 0,
                maxData < 0 ? Integer.MAX_VALUE & ~3 : maxData, cpda);
    }

    @Override
    public void onCapsuleResp(int dw0, int dw1, int dw2, int dw3) throws TcpTransportException {
        int cid = dw3 & 0xFFFF;
        if (!slots.isActive(cid)) {
            throw badCid("a CapsuleResp", cid);
        }
        int status = (dw3 >>> 17) & 0x7FFF;
        if (status == Status.SUCCESS && slots.directions[cid] != TcpQueue.DIR_NONE
                && (slots.directions[cid] == TcpQueue.DIR_FROM_CONTROLLER || slots.viaR2t[cid]) && slots.transferred[cid] != slots.lengths[cid]) {
            throw TcpTransportException.protocol(FES_PDU_SEQUENCE_ERROR, 0, "command " + cid
                    + " completed successfully after " + slots.transferred[cid] + " of its " + slots.lengths[cid]
                    + " data bytes");
        }
        q.capsuleResp(dw2 & 0xFFFF, cid, status, dw0, dw1);
    }

    @Override
    public MemorySegment onC2hData(int cid, int dataOffset, int length, int flags) throws TcpTransportException {
        if (!slots.isActive(cid)) {
            throw badCid("C2HData", cid);
        }
        if (slots.directions[cid] != TcpQueue.DIR_FROM_CONTROLLER) {
            throw TcpTransportException.protocol(FES_PDU_SEQUENCE_ERROR, OFF_DATA_CCCID,
                    "C2HData for command " + cid + ", which reads no data");
        }
        if (dataOffset != slots.transferred[cid] || Integer.toUnsignedLong(dataOffset) + length > slots.lengths[cid]) {
            throw TcpTransportException.protocol(FES_DATA_OUT_OF_RANGE, OFF_DATA_OFFSET, String.format(
                    "C2HData for command %d at offset %s, %d bytes: expected offset %d of a %d-byte transfer",
                    cid, Integer.toUnsignedString(dataOffset), length, slots.transferred[cid], slots.lengths[cid]));
        }
        if ((flags & FLAG_DATA_SUCCESS) != 0 && dataOffset + length != slots.lengths[cid]) {
            throw TcpTransportException.protocol(FES_INVALID_HEADER_FIELD, OFF_FLAGS,
                    "C2HData with SUCCESS before the end of command " + cid + "'s data");
        }
        return slots.buffers[cid];
    }

    @Override
    public long c2hBufferOffset(int cid) {
        return slots.bufferOffsets[cid];
    }

    @Override
    public void onC2hDataDone(int cid, int length, int flags) {
        slots.transferred[cid] += length;
        if ((flags & FLAG_DATA_SUCCESS) != 0) {
            q.successFlagCompletion(cid);
        }
    }

    @Override
    public void onDataDigestError(int cid) {
        if (slots.isActive(cid)) {
            slots.digestFailed[cid] = true;
        }
    }

    @Override
    public void onR2t(int cid, int ttag, int offset, int length) throws TcpTransportException {
        if (!slots.isActive(cid)) {
            throw badCid("an R2T", cid);
        }
        if (!slots.viaR2t[cid]) {
            throw TcpTransportException.protocol(FES_PDU_SEQUENCE_ERROR, OFF_DATA_CCCID,
                    "an R2T for command " + cid + ", which has no data to send by R2T");
        }
        if (slots.r2tPending[cid]) {
            throw TcpTransportException.protocol(FES_DATA_LIMIT_EXCEEDED, OFF_DATA_CCCID,
                    "a second R2T for command " + cid + " while one is outstanding (MAXR2T is 1)");
        }
        if (length <= 0 || offset != slots.transferred[cid] || Integer.toUnsignedLong(offset) + length > slots.lengths[cid]) {
            throw TcpTransportException.protocol(FES_DATA_OUT_OF_RANGE, OFF_DATA_OFFSET, String.format(
                    "R2T for command %d asks for %s bytes at offset %s: expected offset %d of a %d-byte transfer",
                    cid, Integer.toUnsignedString(length), Integer.toUnsignedString(offset), slots.transferred[cid],
                    slots.lengths[cid]));
        }
        slots.r2tPending[cid] = true;
        q.r2tReceived(cid, ttag, offset, length);
    }

    private TcpTransportException badCid(String what, int cid) {
        return TcpTransportException.protocol(FES_INVALID_HEADER_FIELD, OFF_DATA_CCCID,
                what + " for command " + cid + ", which is not outstanding on " + q.name);
    }
}
