package io.trapline.analysis;

import io.trapline.emulator.net.FrameFields;
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
    private boolean parse;
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
        // columns nobody reads stay null; without any header column the frame is not even parsed
        packet = reads("packet") ? i64v("packet") : null;
        seq = reads("seq") ? i64v("seq") : null;
        time = reads("time_ns") ? i64v("time_ns") : null;
        device = reads("device") ? i32v("device") : null;
        dir = reads("dir") ? strv("dir") : null;
        refused = reads("refused") ? boolv("refused") : null;
        length = reads("length") ? i32v("length") : null;
        ethSrc = reads("eth_src") ? strv("eth_src") : null;
        ethDst = reads("eth_dst") ? strv("eth_dst") : null;
        ethertype = reads("ethertype") ? i32v("ethertype") : null;
        vlan = reads("vlan") ? i32v("vlan") : null;
        protocol = reads("protocol") ? strv("protocol") : null;
        srcIp = reads("src_ip") ? strv("src_ip") : null;
        dstIp = reads("dst_ip") ? strv("dst_ip") : null;
        srcPort = reads("src_port") ? i32v("src_port") : null;
        dstPort = reads("dst_port") ? i32v("dst_port") : null;
        tcpFlags = reads("tcp_flags") ? strv("tcp_flags") : null;
        tcpFlagBits = reads("tcp_flag_bits") ? i32v("tcp_flag_bits") : null;
        payloadLen = reads("payload_len") ? i32v("payload_len") : null;
        parse = ethSrc != null || ethDst != null || ethertype != null || vlan != null || protocol != null
                || srcIp != null || dstIp != null || srcPort != null || dstPort != null || tcpFlags != null
                || tcpFlagBits != null || payloadLen != null;
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
        int r = newRow();
        long id = nextPacket++;
        if (packet != null) {
            packet.setSafe(r, id);
        }
        if (seq != null) {
            seq.setSafe(r, c.sequence());
        }
        if (time != null) {
            time.setSafe(r, c.timeNs());
        }
        if (device != null) {
            device.setSafe(r, c.device());
        }
        if (dir != null) {
            dir.setSafe(r, t == EventType.FRAME_RX ? RX : TX);
        }
        if (refused != null) {
            refused.setSafe(r, (c.flags() & EventFlags.REFUSED) != 0 ? 1 : 0);
        }
        if (length != null) {
            length.setSafe(r, len);
        }
        if (parse) {
            headers(c, r, len);
        }
    }

    private void headers(EventCursor c, int r, int len) {
        if (frame.length < len) {
            frame = new byte[Math.max(len, frame.length * 2)];
        }
        c.copyPayload(frame, 0);
        fields.parse(frame, len);
        if (ethDst != null) {
            setOrNull(ethDst, r, len >= 6 ? strings.mac(frame, 0) : null);
        }
        if (ethSrc != null) {
            setOrNull(ethSrc, r, len >= 12 ? strings.mac(frame, 6) : null);
        }
        if (ethertype != null) {
            setOrNull(ethertype, r, fields.ethertype, fields.ethertype >= 0);
        }
        if (vlan != null) {
            setOrNull(vlan, r, fields.vlan, fields.vlan >= 0);
        }
        if (protocol != null) {
            setOrNull(protocol, r, strings.of(fields.protocol));
        }
        if (srcIp != null) {
            setOrNull(srcIp, r, strings.of(fields.srcIp));
        }
        if (dstIp != null) {
            setOrNull(dstIp, r, strings.of(fields.dstIp));
        }
        if (srcPort != null) {
            setOrNull(srcPort, r, fields.srcPort, fields.srcPort >= 0);
        }
        if (dstPort != null) {
            setOrNull(dstPort, r, fields.dstPort, fields.dstPort >= 0);
        }
        if (tcpFlags != null) {
            setOrNull(tcpFlags, r, fields.tcpFlags >= 0 ? TCP_FLAGS[fields.tcpFlags & 0xFF] : null);
        }
        if (tcpFlagBits != null) {
            setOrNull(tcpFlagBits, r, fields.tcpFlags, fields.tcpFlags >= 0);
        }
        if (payloadLen != null) {
            setOrNull(payloadLen, r, fields.payloadLength, fields.payloadLength >= 0);
        }
    }
}
