package io.trapline.guest.tcp;

import io.trapline.emulator.time.Timer;
import io.trapline.guest.net.Bytes;
import io.trapline.guest.net.Checksum;
import io.trapline.guest.net.Ethernet;
import io.trapline.guest.net.Ipv4;
import io.trapline.guest.net.Packet;

import java.util.ArrayDeque;

/**
 * One TCP connection (RFC 793 state machine) with the parts of Linux's behaviour that decide how many
 * packets go on the wire and when: MSS segmentation, Nagle (Minshall), slow start from IW10, receive
 * window announced from buffer space with Linux's "grow by at least one MSS" rule, window updates after
 * reads, quick-ACK then delayed ACK (every second full segment or after 40 ms, piggy-backed in ping-pong
 * mode), FIN in either order, RST, and a retransmission timer (RFC 6298) with go-back-N recovery.
 *
 * <p>Not modelled: out-of-order queueing (out-of-order segments are dropped and dup-ACKed), SACK,
 * timestamps, window scaling, fast retransmit, urgent data. None appear in the captures' traffic.
 */
public final class TcpConnection {
    public enum State { SYN_SENT, SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT, CLOSED }

    /** MSS assumed when the peer sends no MSS option (RFC 1122 4.2.2.6). */
    private static final int DEFAULT_MSS = 536;
    /** Linux tcp_tso_autosize: a TSO burst carries about 1 ms of data at the pacing rate (sk_pacing_shift 10). */
    private static final long TSO_BURST_NS = 1_000_000;
    /** Largest GSO skb Linux builds when the NIC has no TSO (GSO_LEGACY_MAX_SIZE). */
    private static final int GSO_MAX_BYTES = 65_536;
    /** A send loop of the application (sendmsg/sendfile in process context) is under way: it owns the socket. */
    private boolean appSending;

    private final NetStack stack;
    private final TcpConfig cfg;
    final int remoteIp;
    final int remotePort;
    final int localPort;
    private static final TcpHandler DETACHED = new TcpHandler() { };
    private TcpHandler handler;
    private State state;

    private final int iss;
    private int sndUna;
    private int sndNxt;
    private int sndMax;
    private int sndWnd;
    private int sendMss;
    private long cwnd;
    private long ssthresh = Long.MAX_VALUE;
    private final ByteRing sendBuf;
    private int bufSeq;
    /**
     * Where the application's pushes end, as sequence numbers, oldest first: a segment never runs past one and the one
     * that reaches it carries PSH (Linux marks the skb at a forced push, tcp_mark_push, and starts a new one).
     */
    private final ArrayDeque<Integer> pushMarks = new ArrayDeque<>();
    private boolean finQueued;
    private int sndSml;
    private int ipId;

    private long srtt = -1;
    private long rttvar;
    private long rto;
    private boolean rttTiming;
    private int rttSeq;
    private long rttStart;
    private int retries;

    private int rcvNxt;
    private int rcvEdge;
    private int lastAckSent;
    private final ByteRing recvBuf;
    private boolean finReceived;
    private int quickAcks;
    private boolean pingpong;
    private long lastDataReceivedAt = Long.MIN_VALUE / 2;
    private boolean closedNotified;

    private final Timer rtoTimer;
    private final Timer delackTimer;
    private final Timer timeWaitTimer;

    TcpConnection(NetStack stack, int remoteIp, int remotePort, int localPort, TcpHandler handler) {
        this.stack = stack;
        this.cfg = stack.config();
        this.remoteIp = remoteIp;
        this.remotePort = remotePort;
        this.localPort = localPort;
        this.handler = handler == null ? DETACHED : handler;
        this.iss = stack.random().nextInt();
        this.ipId = stack.random().nextInt() & 0xFFFF;
        this.sndUna = iss;
        this.sndNxt = iss;
        this.sndMax = iss;
        this.bufSeq = iss + 1;
        this.sendBuf = new ByteRing(cfg.sendBuffer(), stack.buffers());
        this.recvBuf = new ByteRing(cfg.receiveBuffer(), stack.buffers());
        this.rto = cfg.initialRtoNs();
        this.rtoTimer = stack.scheduler().newTimer(() -> stack.inside(this::onRetransmitTimeout));
        this.delackTimer = stack.scheduler().newTimer(() -> stack.inside(this::onDelayedAck));
        this.timeWaitTimer = stack.scheduler().newTimer(() -> stack.inside(this::onTimeWaitEnd));
    }

    // ---- application side ----

    public State state() {
        return state;
    }

    public int localPort() {
        return localPort;
    }

    public int remotePort() {
        return remotePort;
    }

    public int remoteIp() {
        return remoteIp;
    }

    public void setHandler(TcpHandler handler) {
        this.handler = handler;
    }

    /** Bytes that {@link #write} would take now. */
    public int sendSpace() {
        return finQueued ? 0 : sendBuf.free();
    }

    /** Bytes written but not yet acknowledged. */
    public int unacknowledged() {
        return sendBuf.size();
    }

    public int available() {
        return recvBuf.size();
    }

    /** True once the peer's FIN has been received and every byte before it read. */
    public boolean atEof() {
        return finReceived && recvBuf.size() == 0;
    }

    /**
     * Queues bytes for sending; returns how many fit in the send buffer, or -1 after close or reset. Each call is a
     * push: the segments that carry it end at its last byte, which gets PSH.
     */
    public int write(byte[] b, int off, int len) {
        if (finQueued || !(state == State.ESTABLISHED || state == State.CLOSE_WAIT
                || state == State.SYN_SENT || state == State.SYN_RECEIVED)) {
            return -1;
        }
        int n = sendBuf.write(b, off, len);
        if (n > 0) {
            pushMarks.addLast(bufSeq + sendBuf.size());
        }
        if (!appSending) {
            appSending = true;
            appStep();
        }
        return n;
    }

    /** Reads received bytes; returns 0 when none are waiting, -1 at end of stream. */
    public int read(byte[] b, int off, int len) {
        int n = recvBuf.read(b, off, len);
        releaseBuffersIfDone();
        if (n == 0) {
            return atEof() ? -1 : 0;
        }
        if (!finReceived && windowWouldDouble()) {
            stack.inside(this::sendAck); // window update (Linux tcp_cleanup_rbuf)
        }
        return n;
    }

    /** Skips received bytes without copying them (an application that only counts). */
    public int discard(int len) {
        int n = Math.min(len, recvBuf.size());
        recvBuf.skip(n);
        releaseBuffersIfDone();
        if (n > 0 && !finReceived && windowWouldDouble()) {
            stack.inside(this::sendAck);
        }
        return n;
    }

    /**
     * close(): FIN after the queued data. With unread received data Linux resets instead (RFC 2525 2.17),
     * and so does this model.
     */
    public void close() {
        if (finQueued || state == State.CLOSED || state == State.TIME_WAIT) {
            return;
        }
        if (recvBuf.size() > 0) {
            abort();
            return;
        }
        stack.inside(() -> {
            switch (state) {
                case SYN_SENT -> {
                    finish(false);
                    return;
                }
                case SYN_RECEIVED, ESTABLISHED -> state = State.FIN_WAIT_1;
                case CLOSE_WAIT -> state = State.LAST_ACK;
                default -> {
                    return;
                }
            }
            finQueued = true;
            output();
        });
    }

    /** Sends RST and forgets the connection. */
    public void abort() {
        if (state == State.CLOSED) {
            return;
        }
        stack.inside(() -> {
            if (state != State.SYN_SENT && state != State.TIME_WAIT) {
                emit(sndNxt, Packet.RST | Packet.ACK, 0, false);
            }
            finish(true);
        });
    }

    // ---- opening ----

    void openActive() {
        state = State.SYN_SENT;
        output();
    }

    void openPassive(Packet syn) {
        state = State.SYN_RECEIVED;
        rcvNxt = syn.seq + 1;
        rcvEdge = rcvNxt;
        lastAckSent = rcvNxt;
        sendMss = Math.min(cfg.mss(), syn.mssOption > 0 ? syn.mssOption : DEFAULT_MSS);
        sndWnd = syn.window;
        output();
    }

    private void established(boolean ackTheSynAck) {
        state = State.ESTABLISHED;
        cwnd = (long) cfg.initialCwnd() * sendMss;
        // Linux tcp_incr_quickack: up to half the window in full segments, at most TCP_MAX_QUICKACKS
        quickAcks = Math.min(cfg.quickAckSegments(), cfg.receiveBuffer() / (2 * cfg.mss()));
        if (ackTheSynAck) {
            sendAck(); // third step of the handshake
        }
        handler.connected(this);
    }

    // ---- input ----

    void input(Packet p, byte[] f) {
        if (state == State.SYN_SENT) {
            inputSynSent(p);
            return;
        }
        if (state == State.CLOSED) {
            return;
        }
        int segLen = p.segmentLength();
        int wnd = Math.max(rcvEdge - rcvNxt, 0);
        boolean acceptable = segLen == 0
                ? p.seq - rcvNxt >= 0 && p.seq - (rcvNxt + wnd) <= 0
                : p.seq - (rcvNxt + Math.max(wnd, 1)) < 0 && p.seq + segLen - rcvNxt > 0;
        if (!acceptable) {
            if (state == State.SYN_RECEIVED && p.has(Packet.SYN) && p.seq + 1 == rcvNxt) {
                sndNxt = iss; // the peer did not get our SYN-ACK: send it again
                output();
            } else if (!p.has(Packet.RST)) {
                sendAck(); // RFC 793: an unacceptable segment gets an ACK (also re-ACKs a repeated FIN)
            }
            return;
        }
        if (p.has(Packet.RST)) {
            finish(true);
            return;
        }
        if (p.has(Packet.SYN)) {
            sendAck(); // SYN inside the window of a synchronized connection: challenge ACK (RFC 5961 4.2)
            return;
        }
        if (!p.has(Packet.ACK)) {
            return;
        }
        if (state == State.SYN_RECEIVED) {
            if (p.ack != iss + 1) {
                emitReset(p.ack);
                return;
            }
            sndUna = p.ack;
            sndWnd = p.window;
            rtoTimer.cancel();
            sampleRtt(p.ack);
            established(false);
            if (state == State.CLOSED) {
                return;
            }
        }
        processAck(p);
        if (state == State.CLOSED) {
            return;
        }
        if (p.payloadLength > 0 || p.has(Packet.FIN)) {
            processData(p, f);
        }
        output();
    }

    private void inputSynSent(Packet p) {
        if (p.has(Packet.ACK) && p.ack != iss + 1) {
            if (!p.has(Packet.RST)) {
                emitReset(p.ack);
            }
            return;
        }
        if (p.has(Packet.RST)) {
            if (p.has(Packet.ACK)) {
                finish(true); // connection refused
            }
            return;
        }
        if (!p.has(Packet.SYN) || !p.has(Packet.ACK)) {
            return; // simultaneous open is not modelled
        }
        rcvNxt = p.seq + 1;
        rcvEdge = rcvNxt;
        lastAckSent = rcvNxt;
        sendMss = Math.min(cfg.mss(), p.mssOption > 0 ? p.mssOption : DEFAULT_MSS);
        sndUna = p.ack;
        sndWnd = p.window;
        rtoTimer.cancel();
        retries = 0;
        sampleRtt(p.ack);
        established(true);
        output();
    }

    private void processAck(Packet p) {
        if (p.ack - sndUna > 0 && p.ack - sndMax <= 0) {
            int dataAcked = Math.max(0, Math.min(sendBuf.size(), p.ack - bufSeq));
            sendBuf.skip(dataAcked);
            bufSeq += dataAcked;
            long acked = p.ack - sndUna;
            sndUna = p.ack;
            if (sndNxt - sndUna < 0) {
                sndNxt = sndUna;
            }
            retries = 0;
            sampleRtt(p.ack);
            cwnd += cwnd < ssthresh ? Math.min(acked, sendMss) : Math.max(1, (long) sendMss * sendMss / cwnd);
            if (sndUna == sndMax) {
                rtoTimer.cancel();
            } else {
                rtoTimer.arm(stack.scheduler().now() + rto);
            }
            sndWnd = p.window;
            boolean finAcked = finQueued && sndUna == bufSeq + 1 && sendBuf.size() == 0;
            if (finAcked) {
                switch (state) {
                    case FIN_WAIT_1 -> state = State.FIN_WAIT_2;
                    case CLOSING -> enterTimeWait();
                    case LAST_ACK -> {
                        finish(false);
                        return;
                    }
                    default -> {
                    }
                }
            }
            if (dataAcked > 0 && !finQueued) {
                handler.writable(this);
            }
        } else if (p.ack == sndUna) {
            sndWnd = p.window; // a window update or a duplicate ACK
        }
    }

    private void processData(Packet p, byte[] f) {
        int seq = p.seq;
        int off = p.payloadOffset;
        int len = p.payloadLength;
        boolean fin = p.has(Packet.FIN);
        int old = rcvNxt - seq;
        if (old > 0) {
            if (old > len) {
                sendAck(); // all of it was seen before (e.g. a retransmitted FIN)
                return;
            }
            off += old;
            len -= old;
            seq = rcvNxt;
        }
        if (seq != rcvNxt) {
            sendAck(); // out of order: not queued, a duplicate ACK tells the sender where we are
            return;
        }
        boolean dataAllowed = state == State.ESTABLISHED || state == State.FIN_WAIT_1 || state == State.FIN_WAIT_2;
        if (!dataAllowed) {
            return;
        }
        int n = recvBuf.write(f, off, len);
        rcvNxt += n;
        boolean partial = n < len;
        fin &= !partial;
        boolean finToDelay = false;
        if (fin) {
            rcvNxt += 1;
            finReceived = true;
            switch (state) {
                case ESTABLISHED -> {
                    state = State.CLOSE_WAIT;
                    pingpong = true; // Linux tcp_fin: the ACK of a FIN waits for the application's reply
                    finToDelay = true;
                }
                case FIN_WAIT_1 -> state = State.CLOSING;
                case FIN_WAIT_2 -> enterTimeWait();
                default -> {
                }
            }
        }
        if (n > 0) {
            lastDataReceivedAt = stack.scheduler().now();
        }
        if (n > 0 || fin) {
            handler.readable(this);
        }
        if (rcvNxt == lastAckSent || state == State.CLOSED) {
            return; // the application's reply already carried the ACK
        }
        if (cfg.ackEverySegment() || partial || (fin && !finToDelay)) {
            sendAck();
        } else if (!finToDelay && quickAcks > 0 && !pingpong) {
            quickAcks--;
            sendAck();
        } else if (rcvNxt - lastAckSent > cfg.mss()) {
            sendAck(); // more than one full segment unacknowledged (Linux __tcp_ack_snd_check)
        } else if (!delackTimer.armed()) {
            delackTimer.arm(stack.scheduler().now() + cfg.delayedAckNs());
        }
    }

    // ---- output ----

    private boolean canSendData() {
        return state == State.ESTABLISHED || state == State.CLOSE_WAIT || state == State.FIN_WAIT_1
                || state == State.CLOSING || state == State.LAST_ACK;
    }

    /**
     * One step of the application's send loop: at most one skb, then the next step as process-level work, so
     * interrupts, NAPI polls and the ACKs they bring run between two skbs (Linux: the hardirq and softirq
     * preempt sendmsg/sendfile between two driver hand-offs).
     */
    private void appStep() {
        int before = sndNxt;
        stack.inside(this::outputOne);
        if (sndNxt != before && state != State.CLOSED) {
            stack.cpu().runTask(0, this::appStep);
        } else {
            appSending = false;
            stack.inside(this::output);
        }
    }

    /** Sends at most one data skb (or the FIN). */
    private void outputOne() {
        oneSkb = true;
        try {
            output();
        } finally {
            oneSkb = false;
        }
    }

    /** Set while {@link #outputOne} runs: the send loop stops after one skb. */
    private boolean oneSkb;

    void output() {
        if (appSending && !oneSkb) {
            return; // the socket is owned by the application's send loop: it sends next (release_sock)
        }
        if (state == State.SYN_SENT || state == State.SYN_RECEIVED) {
            if (sndNxt == iss) {
                int flags = state == State.SYN_SENT ? Packet.SYN : Packet.SYN | Packet.ACK;
                emit(iss, flags, 0, true);
            }
            return;
        }
        if (!canSendData()) {
            return;
        }
        int maxBurst = tsoBurstBytes();
        while (true) {
            int dataEnd = bufSeq + sendBuf.size();
            while (!pushMarks.isEmpty() && pushMarks.peekFirst() - sndNxt <= 0 && pushMarks.peekFirst() - dataEnd < 0) {
                pushMarks.pollFirst(); // sent up to this push: the next one bounds the segments
            }
            int pushEnd = pushMarks.isEmpty() ? dataEnd : pushMarks.peekFirst();
            int unsent = dataEnd - sndNxt;
            int toPush = pushEnd - sndNxt;
            if (unsent < 0) {
                return; // FIN already sent
            }
            long inflight = sndNxt - sndUna;
            long room = Math.min(cwnd, sndWnd) - inflight;
            // tcp_cwnd_test: one skb takes at most half the congestion window (at least one segment)
            room = Math.min(room, Math.max(cwnd / sendMss / 2, 1) * (long) sendMss);
            int len = (int) Math.max(0, Math.min(Math.min(toPush, maxBurst), room));
            if (len > sendMss && len < toPush) {
                len -= len % sendMss; // a TSO burst ends on a segment boundary unless it ends the push
            }
            if (len == 0) {
                if (unsent == 0 && finQueued) {
                    emit(sndNxt, Packet.FIN | Packet.ACK, 0, false);
                } else if (unsent > 0 && inflight == 0 && sndWnd == 0 && !rtoTimer.armed()) {
                    rtoTimer.arm(stack.scheduler().now() + rto); // persist timer: probe the zero window
                }
                return;
            }
            if (len < toPush && len < sendMss) {
                return; // window-limited short segment: wait for the window (SWS avoidance, RFC 1122 4.2.3.4)
            }
            boolean fin = finQueued && len == unsent;
            if (len < sendMss && !fin && cfg.nagle() && inflight > 0 && sndSml - sndUna > 0 && sndSml - sndNxt <= 0) {
                return; // Nagle, Minshall's variant (Linux tcp_minshall_check)
            }
            int flags = Packet.ACK | (len == toPush ? Packet.PSH : 0) | (fin ? Packet.FIN : 0);
            emit(sndNxt, flags, len, false);
            if (oneSkb) {
                return;
            }
        }
    }

    /** Bytes one skb may carry: about 1 ms of data at the pacing rate, up to the NIC's TSO limit or GSO's 64 KiB. */
    private int tsoBurstBytes() {
        // Linux builds GSO skbs whatever the NIC; without TSO the stack cuts them in software (NetStack.sendFrame)
        int nicMax = stack.tsoMaxBytes() > 0 ? stack.tsoMaxBytes() : GSO_MAX_BYTES;
        int tsoMax = nicMax - Ethernet.HEADER - Ipv4.HEADER - Packet.TCP_HEADER;
        if (tsoMax <= sendMss) {
            return sendMss;
        }
        // Linux paces at 2 x cwnd / srtt in slow start, 1.2 x in congestion avoidance
        long rtt = srtt > 0 ? srtt : rto;
        long ratePerMs = (cwnd < ssthresh ? 2 : 1) * cwnd * TSO_BURST_NS / Math.max(rtt, 1);
        long segs = Math.max(2, ratePerMs / sendMss);
        return (int) Math.min(tsoMax, segs * sendMss);
    }

    private void sendAck() {
        if (state == State.CLOSED || state == State.SYN_SENT) {
            return;
        }
        emit(sndNxt, Packet.ACK, 0, false);
    }

    /** Builds one segment, hands it to the stack and updates the send state. */
    private void emit(int seq, int flags, int dataLen, boolean mssOption) {
        boolean syn = (flags & Packet.SYN) != 0;
        boolean fin = (flags & Packet.FIN) != 0;
        boolean retransmission = seq - sndMax < 0;
        int tcpHeader = Packet.TCP_HEADER + (mssOption ? 4 : 0);
        int ipStart = Ethernet.HEADER;
        int t = ipStart + Ipv4.HEADER;
        byte[] frame = new byte[t + tcpHeader + dataLen];
        Bytes.put16(frame, t, localPort);
        Bytes.put16(frame, t + 2, remotePort);
        Bytes.put32(frame, t + 4, seq);
        boolean ack = (flags & Packet.ACK) != 0;
        Bytes.put32(frame, t + 8, ack ? rcvNxt : 0);
        frame[t + 12] = (byte) ((tcpHeader / 4) << 4);
        frame[t + 13] = (byte) flags;
        Bytes.put16(frame, t + 14, (flags & Packet.RST) != 0 ? 0 : announceWindow());
        if (mssOption) {
            frame[t + 20] = 2;
            frame[t + 21] = 4;
            Bytes.put16(frame, t + 22, cfg.mss());
        }
        if (dataLen > 0) {
            sendBuf.peek(seq - bufSeq, frame, t + tcpHeader, dataLen);
        }
        int tcpLength = tcpHeader + dataLen;
        long sum = Checksum.pseudoHeader(stack.ip(), remoteIp, Ipv4.PROTOCOL_TCP, tcpLength);
        Bytes.put16(frame, t + 16, Checksum.finish(Checksum.add(sum, frame, t, tcpLength)));
        Ipv4.writeHeader(frame, ipStart, Ipv4.HEADER + tcpLength, ipId, Ipv4.PROTOCOL_TCP, Ipv4.DEFAULT_TTL, stack.ip(), remoteIp);
        int gso = dataLen > sendMss ? sendMss : 0;
        // with TSO the NIC gives each cut segment the next IP id (e1000 IPID increment, Linux gso_segs)
        ipId = (ipId + (gso == 0 ? 1 : (dataLen + sendMss - 1) / sendMss)) & 0xFFFF;
        stack.sendFrame(frame, remoteIp, gso);

        if (ack) {
            lastAckSent = rcvNxt;
            delackTimer.cancel();
        }
        int seqLen = dataLen + (syn ? 1 : 0) + (fin ? 1 : 0);
        if (seqLen > 0) {
            int end = seq + seqLen;
            if (end - sndMax > 0) {
                if (!rttTiming && seq - sndMax >= 0) {
                    rttTiming = true; // time this new data (Karn: never a retransmission)
                    rttSeq = end;
                    rttStart = stack.scheduler().now();
                }
                sndMax = end;
            }
            if (end - sndNxt > 0) {
                sndNxt = end;
            }
            if (!rtoTimer.armed()) {
                rtoTimer.arm(stack.scheduler().now() + rto);
            }
        }
        if (dataLen > 0) {
            if (dataLen < sendMss) {
                sndSml = seq + dataLen;
            }
            if (stack.scheduler().now() - lastDataReceivedAt < cfg.delayedAckNs()) {
                pingpong = true; // replying soon after receiving: interactive (Linux tcp_event_data_sent)
            }
            stack.countData(dataLen, retransmission);
        }
    }

    private void emitReset(int seq) {
        stack.sendReset(remoteIp, remotePort, localPort, seq, 0, false);
    }

    /** Window announced now: never shrinks; grows only by at least one MSS (Linux __tcp_select_window). */
    private int announceWindow() {
        int free = recvBuf.free();
        int cur = Math.max(rcvEdge - rcvNxt, 0);
        int grown = cfg.roundWindowToMss() ? free / cfg.mss() * cfg.mss() : free;
        if (grown > cur && (free - cur >= cfg.mss() || !cfg.roundWindowToMss())) {
            rcvEdge = rcvNxt + grown;
        } else if (rcvEdge - rcvNxt < 0) {
            rcvEdge = rcvNxt;
        }
        return Math.min(65535, rcvEdge - rcvNxt);
    }

    private boolean windowWouldDouble() {
        int cur = Math.max(rcvEdge - rcvNxt, 0);
        int free = recvBuf.free();
        int grown = cfg.roundWindowToMss() ? free / cfg.mss() * cfg.mss() : free;
        boolean open = canSendData() || state == State.FIN_WAIT_2;
        return open && 2L * cur <= recvBuf.capacity() && grown >= 2L * cur && grown > cur;
    }

    // ---- timers ----

    private void sampleRtt(int ackSeq) {
        if (!rttTiming || ackSeq - rttSeq < 0) {
            return;
        }
        rttTiming = false;
        long r = stack.scheduler().now() - rttStart;
        if (srtt < 0) {
            srtt = r;
            rttvar = r / 2;
        } else { // RFC 6298 2.3 with alpha 1/8, beta 1/4
            rttvar = (3 * rttvar + Math.abs(srtt - r)) / 4;
            srtt = (7 * srtt + r) / 8;
        }
        rto = Math.min(cfg.maxRtoNs(), Math.max(cfg.minRtoNs(), srtt + 4 * rttvar));
    }

    private void onRetransmitTimeout() {
        if (state == State.CLOSED || state == State.TIME_WAIT) {
            return;
        }
        if (sndUna == sndMax) {
            if (canSendData() && sndWnd == 0 && bufSeq + sendBuf.size() - sndNxt > 0) {
                // zero-window probe (RFC 1122 4.2.2.17): an old sequence number makes the peer announce its window
                emit(sndUna - 1, Packet.ACK, 0, false);
                rto = Math.min(cfg.maxRtoNs(), rto * 2);
                rtoTimer.arm(stack.scheduler().now() + rto);
            }
            return;
        }
        if (++retries > cfg.maxRetransmits()) {
            abort();
            return;
        }
        long inflight = sndMax - sndUna;
        ssthresh = Math.max(inflight / 2, 2L * sendMss);
        cwnd = Math.max(sendMss, 1);
        rto = Math.min(cfg.maxRtoNs(), rto * 2); // exponential back-off (RFC 6298 5.5)
        rttTiming = false;
        sndNxt = sndUna; // go back N: resend from the first unacknowledged byte
        stack.countRetransmit();
        output();
        if (!rtoTimer.armed()) {
            rtoTimer.arm(stack.scheduler().now() + rto);
        }
    }

    private void onDelayedAck() {
        if (state == State.CLOSED || rcvNxt == lastAckSent) {
            return;
        }
        pingpong = false; // the application did not answer in time: leave interactive mode (Linux)
        sendAck();
    }

    private void enterTimeWait() {
        state = State.TIME_WAIT;
        rtoTimer.cancel();
        timeWaitTimer.arm(stack.scheduler().now() + cfg.timeWaitNs());
        releaseBuffersIfDone();
        notifyClosed(false);
    }

    private void onTimeWaitEnd() {
        if (state == State.TIME_WAIT) {
            finish(false);
        }
    }

    private void finish(boolean reset) {
        state = State.CLOSED;
        rtoTimer.cancel();
        delackTimer.cancel();
        timeWaitTimer.cancel();
        stack.forget(this);
        releaseBuffersIfDone();
        notifyClosed(reset);
    }

    /**
     * A connection past its last byte keeps no buffer storage (what is still unread stays until read): a web
     * workload leaves thousands in TIME_WAIT for 60 s, and with their grown buffers they held ~40 KiB each
     * (180 MB live in a 11,000-request run, and young collections of 10-30 ms copying it). Linux likewise keeps
     * a TIME_WAIT socket as a small record without buffers (inet_timewait_sock).
     */
    private void releaseBuffersIfDone() {
        if (state == State.TIME_WAIT || state == State.CLOSED) {
            sendBuf.release();
            recvBuf.release();
        }
    }

    /** True once the application's handler has been let go (after the closed notification; tests). */
    boolean detached() {
        return handler == DETACHED;
    }

    /** Bytes of buffer storage this connection holds (tests). */
    int bufferStorage() {
        return sendBuf.storage() + recvBuf.storage();
    }

    private void notifyClosed(boolean reset) {
        if (!closedNotified) {
            closedNotified = true;
            handler.closed(this, reset);
            // Nothing more is reported, so the application's objects (an HTTP client and its buffers) need not
            // live on through TIME_WAIT with the connection.
            handler = DETACHED;
        }
    }

    @Override
    public String toString() {
        return "tcp " + localPort + " <-> " + io.trapline.guest.net.Addresses.ipv4(remoteIp) + ":" + remotePort + " " + state;
    }
}
