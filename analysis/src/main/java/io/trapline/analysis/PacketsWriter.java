package io.trapline.analysis;

import io.trapline.recorder.CaptureMetadata;
import io.trapline.recorder.EventCursor;
import io.trapline.recorder.EventFlags;
import io.trapline.recorder.EventType;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.pojo.Schema;

import java.util.List;

/** {@code packets}: one row per frame (FRAME_RX/FRAME_TX), numbered in event order, with parsed headers. */
final class PacketsWriter extends TableWriter {
    static final Schema SCHEMA = new Schema(List.of(CAPTURE, i64("packet"), i64("seq"), i64("time_ns"),
            i32("device"), str("dir"), bool("refused"), i32("length"), str("eth_src"), str("eth_dst"),
            i32("ethertype"), i32("vlan"), str("protocol"), str("src_ip"), str("dst_ip"), i32("src_port"),
            i32("dst_port"), str("tcp_flags"), i32("tcp_flag_bits"), i32("payload_len")));
    private static final byte[] RX = utf8("rx");
    private static final byte[] TX = utf8("tx");

    private BigIntVector packet;
    private BigIntVector seq;
    private BigIntVector time;
    private IntVector device;
    private VarCharVector dir;
    private BitVector refused;
    private IntVector length;
    private VarCharVector ethSrc;
    private VarCharVector ethDst;
    private IntVector ethertype;
    private IntVector vlan;
    private VarCharVector protocol;
    private VarCharVector srcIp;
    private VarCharVector dstIp;
    private IntVector srcPort;
    private IntVector dstPort;
    private VarCharVector tcpFlags;
    private IntVector tcpFlagBits;
    private IntVector payloadLen;
    private long nextPacket;
    private byte[] frame = new byte[2048];
    private final FrameFields fields = new FrameFields();
    private final StringBytes strings = new StringBytes();
    private static final byte[][] TCP_FLAGS = new byte[256][];

    static {
        for (int i = 0; i < 256; i++) {
            TCP_FLAGS[i] = utf8(FrameFields.tcpFlagNames(i));
        }
    }

    @Override
    void bindColumns() {
        packet = i64v("packet");
        seq = i64v("seq");
        time = i64v("time_ns");
        device = i32v("device");
        dir = strv("dir");
        refused = boolv("refused");
        length = i32v("length");
        ethSrc = strv("eth_src");
        ethDst = strv("eth_dst");
        ethertype = i32v("ethertype");
        vlan = i32v("vlan");
        protocol = strv("protocol");
        srcIp = strv("src_ip");
        dstIp = strv("dst_ip");
        srcPort = i32v("src_port");
        dstPort = i32v("dst_port");
        tcpFlags = strv("tcp_flags");
        tcpFlagBits = i32v("tcp_flag_bits");
        payloadLen = i32v("payload_len");
    }

    @Override
    void beginCapture(CaptureSource source, CaptureMetadata metadata) {
        super.beginCapture(source, metadata);
        nextPacket = 0;
    }

    @Override
    void onEvent(EventCursor c) {
        EventType t = c.type();
        if (t != EventType.FRAME_RX && t != EventType.FRAME_TX) {
            return;
        }
        int len = c.payloadLength();
        if (frame.length < len) {
            frame = new byte[Math.max(len, frame.length * 2)];
        }
        c.copyPayload(frame, 0);
        fields.parse(frame, len);
        int r = newRow();
        packet.setSafe(r, nextPacket++);
        seq.setSafe(r, c.sequence());
        time.setSafe(r, c.timeNs());
        device.setSafe(r, c.device());
        dir.setSafe(r, t == EventType.FRAME_RX ? RX : TX);
        refused.setSafe(r, (c.flags() & EventFlags.REFUSED) != 0 ? 1 : 0);
        length.setSafe(r, len);
        setOrNull(ethDst, r, len >= 6 ? strings.mac(frame, 0) : null);
        setOrNull(ethSrc, r, len >= 12 ? strings.mac(frame, 6) : null);
        setOrNull(ethertype, r, fields.ethertype, fields.ethertype >= 0);
        setOrNull(vlan, r, fields.vlan, fields.vlan >= 0);
        setOrNull(protocol, r, strings.of(fields.protocol));
        setOrNull(srcIp, r, strings.of(fields.srcIp));
        setOrNull(dstIp, r, strings.of(fields.dstIp));
        setOrNull(srcPort, r, fields.srcPort, fields.srcPort >= 0);
        setOrNull(dstPort, r, fields.dstPort, fields.dstPort >= 0);
        setOrNull(tcpFlags, r, fields.tcpFlags >= 0 ? TCP_FLAGS[fields.tcpFlags & 0xFF] : null);
        setOrNull(tcpFlagBits, r, fields.tcpFlags, fields.tcpFlags >= 0);
        setOrNull(payloadLen, r, fields.payloadLength, fields.payloadLength >= 0);
    }
}
