package io.trapline.guest.tcp;

import io.trapline.emulator.time.Scheduler;
import io.trapline.emulator.time.Timer;
import io.trapline.guest.net.Arp;
import io.trapline.guest.net.Bytes;
import io.trapline.guest.net.Checksum;
import io.trapline.guest.net.Ethernet;
import io.trapline.guest.net.GuestNic;
import io.trapline.guest.net.Gso;
import io.trapline.guest.net.Ipv4;
import io.trapline.guest.net.Packet;
import io.trapline.guest.platform.Cpu;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * One host's network stack: Ethernet, ARP, IPv4 and TCP, on one interface with one address and every
 * peer on the link. The guest has one (its driver calls {@link #receive} and implements {@link GuestNic});
 * the host-side peer has another. Work is charged to a {@link Cpu}: every received frame costs
 * {@code rxFrameNs}, every sent frame {@code txFrameNs}, so a busy stack queues work and time advances.
 * Randomness (ISNs, IP ids, ports) comes only from the {@link Random} given, so a seed fixes every byte.
 */
public final class NetStack {
    /** Linux's ephemeral port range (net.ipv4.ip_local_port_range). */
    private static final int EPHEMERAL_LOW = 32768;
    private static final int EPHEMERAL_HIGH = 60999;
    /** ARP: resend an unanswered request every second, three times (Linux mcast_solicit 3, retrans_time 1 s). */
    private static final long ARP_RETRY_NS = 1_000_000_000L;
    private static final int ARP_TRIES = 3;
    /** What the buffer pool keeps at most: a few connections' worth of grown buffers. */
    private static final long POOLED_BYTES = 4 << 20;

    private final String name;
    private final Scheduler scheduler;
    private final Cpu cpu;
    private final long rxFrameNs;
    private final long txFrameNs;
    private final TcpConfig config;
    private final long mac;
    private final int ip;
    private final Random random;
    /** Storage for the sockets' buffers and the applications' reads, reused from connection to connection. */
    private final BufferPool buffers = new BufferPool(POOLED_BYTES);

    private GuestNic nic;
    private final Map<Integer, Long> arpCache = new HashMap<>();
    private final Map<Integer, PendingArp> arpPending = new HashMap<>();
    private final Map<Long, TcpConnection> connections = new HashMap<>();
    private final Map<Integer, Function<TcpConnection, TcpHandler>> listeners = new HashMap<>();

    private final List<Tx> pendingTx = new ArrayList<>();
    private final ArrayDeque<Tx> backlog = new ArrayDeque<>();
    private boolean queueStopped;
    private boolean draining;
    private int depth;

    private final Stats stats = new Stats();

    /** Counters of what the stack did. */
    public static final class Stats {
        public long framesReceived;
        public long framesSent;
        public long framesDropped;
        public long dataSegmentsSent;
        public long dataBytesSent;
        public long retransmittedSegments;
        public long retransmitTimeouts;
        public long resetsSent;
        public long arpRequestsSent;
        public long queueRefusals;
    }

    private record Tx(byte[] frame, int gsoSize) {
    }

    private final class PendingArp {
        final int targetIp;
        final List<Tx> frames = new ArrayList<>();
        final Timer retry;
        int tries;

        PendingArp(int targetIp) {
            this.targetIp = targetIp;
            this.retry = scheduler.newTimer(() -> inside(this::resend));
        }

        void resend() {
            if (++tries > ARP_TRIES) {
                arpPending.remove(targetIp); // unreachable: drop; TCP retransmits and asks again
                stats.framesDropped += frames.size();
                return;
            }
            stats.arpRequestsSent++;
            queue(new Tx(Arp.frame(Arp.OP_REQUEST, mac, ip, 0, targetIp), 0));
            retry.arm(scheduler.now() + ARP_RETRY_NS);
        }
    }

    public NetStack(String name, Scheduler scheduler, Cpu cpu, long rxFrameNs, long txFrameNs,
                    TcpConfig config, long mac, int ip, Random random) {
        this.name = name;
        this.scheduler = scheduler;
        this.cpu = cpu;
        this.rxFrameNs = rxFrameNs;
        this.txFrameNs = txFrameNs;
        this.config = config;
        this.mac = mac;
        this.ip = ip;
        this.random = random;
    }

    // ---- the driver's side ----

    /** Where frames go; the driver (or a wire) sets this before traffic starts. */
    public void attach(GuestNic nic) {
        this.nic = nic;
    }

    /**
     * A frame from the NIC (netif_receive_skb). The bytes are copied; processing happens after
     * {@code rxFrameNs} of this stack's CPU.
     */
    public void receive(byte[] frame, int offset, int length) {
        byte[] copy = Arrays.copyOfRange(frame, offset, offset + length);
        cpu.run(rxFrameNs, () -> inside(() -> process(copy)));
    }

    /** The driver stopped its queue although it took the last frame (netif_stop_queue). */
    public void stopQueue() {
        queueStopped = true;
    }

    /** The driver has room again (netif_wake_queue): frames held back are offered in order. */
    public void wakeQueue() {
        queueStopped = false;
        if (draining) {
            return; // woken from inside transmit(): the loop below carries on
        }
        draining = true;
        try {
            while (!queueStopped && !backlog.isEmpty()) {
                Tx tx = backlog.pollFirst();
                if (!nic.transmit(tx.frame, 0, tx.frame.length, tx.gsoSize, !backlog.isEmpty())) {
                    backlog.addFirst(tx);
                    queueStopped = true;
                    stats.queueRefusals++;
                }
            }
        } finally {
            draining = false;
        }
    }

    /** Frames waiting because the driver's queue is stopped. */
    public int backlog() {
        return backlog.size();
    }

    public boolean queueStopped() {
        return queueStopped;
    }

    // ---- the application's side ----

    /** Accepts connections on {@code port}; {@code acceptor} gives each new connection its handler. */
    public void listen(int port, Function<TcpConnection, TcpHandler> acceptor) {
        listeners.put(port, acceptor);
    }

    /** Opens a connection from a random free ephemeral port; the handler hears {@code connected}. */
    public TcpConnection connect(int remoteIp, int remotePort, TcpHandler handler) {
        int span = EPHEMERAL_HIGH - EPHEMERAL_LOW + 1;
        int port = EPHEMERAL_LOW + random.nextInt(span);
        for (int i = 0; i < span && connections.containsKey(key(remoteIp, remotePort, port)); i++) {
            port = port == EPHEMERAL_HIGH ? EPHEMERAL_LOW : port + 1;
        }
        if (connections.containsKey(key(remoteIp, remotePort, port))) {
            throw new IllegalStateException("no free ephemeral port towards " + remotePort);
        }
        TcpConnection c = new TcpConnection(this, remoteIp, remotePort, port, handler);
        connections.put(key(remoteIp, remotePort, port), c);
        inside(c::openActive);
        return c;
    }

    public String name() {
        return name;
    }

    public int ip() {
        return ip;
    }

    public long mac() {
        return mac;
    }

    public Stats stats() {
        return stats;
    }

    public Cpu cpu() {
        return cpu;
    }

    public int openConnections() {
        return connections.size();
    }

    /** Adds a neighbour without asking (a static ARP entry). */
    public void addNeighbour(int neighbourIp, long neighbourMac) {
        arpCache.put(neighbourIp, neighbourMac);
    }

    // ---- inside the stack ----

    TcpConfig config() {
        return config;
    }

    Scheduler scheduler() {
        return scheduler;
    }

    Random random() {
        return random;
    }

    /** The pool this stack's sockets take buffer storage from; applications may borrow read buffers from it too. */
    public BufferPool buffers() {
        return buffers;
    }

    int tsoMaxBytes() {
        return nic == null ? 0 : nic.tsoMaxBytes();
    }

    /**
     * Runs stack work; frames it produces are handed to the NIC together when the outermost call ends,
     * so one burst of segments reaches the driver as one xmit_more batch.
     */
    void inside(Runnable work) {
        depth++;
        try {
            work.run();
        } finally {
            if (--depth == 0 && !pendingTx.isEmpty()) {
                List<Tx> batch = new ArrayList<>(pendingTx);
                pendingTx.clear();
                cpu.run(txFrameNs * batch.size(), () -> deliver(batch));
            }
        }
    }

    private void deliver(List<Tx> batch) {
        if (nic == null) {
            stats.framesDropped += batch.size();
            return;
        }
        if (queueStopped || !backlog.isEmpty() || draining) {
            backlog.addAll(batch); // behind what is already waiting, in order
            return;
        }
        draining = true;
        try {
            for (int i = 0; i < batch.size(); i++) {
                Tx tx = batch.get(i);
                if (queueStopped) {
                    backlog.addLast(tx);
                } else if (!nic.transmit(tx.frame, 0, tx.frame.length, tx.gsoSize, i < batch.size() - 1)) {
                    queueStopped = true;
                    stats.queueRefusals++;
                    backlog.addLast(tx);
                }
            }
        } finally {
            draining = false;
        }
        if (!queueStopped && !backlog.isEmpty()) {
            wakeQueue(); // woken during the batch: send what queued up behind it
        }
    }

    private void queue(Tx tx) {
        stats.framesSent++;
        pendingTx.add(tx);
    }

    /** An IPv4 frame whose Ethernet destination is filled in here from the ARP cache. */
    void sendFrame(byte[] frame, int dstIp, int gsoSize) {
        Long dst = arpCache.get(dstIp);
        if (dst != null) {
            Ethernet.writeHeader(frame, dst, mac, Ethernet.TYPE_IPV4);
            if (gsoSize > 0 && frame.length > tsoMaxBytes()) {
                // software GSO (Linux validate_xmit_skb): the NIC cannot cut it, the stack hands over the pieces
                Gso.segment(frame, 0, frame.length, gsoSize, piece -> queue(new Tx(piece, 0)));
                return;
            }
            queue(new Tx(frame, gsoSize));
            return;
        }
        Ethernet.writeHeader(frame, 0, mac, Ethernet.TYPE_IPV4);
        PendingArp pending = arpPending.get(dstIp);
        if (pending == null) {
            pending = new PendingArp(dstIp);
            arpPending.put(dstIp, pending);
            pending.resend();
        }
        pending.frames.add(new Tx(frame, gsoSize));
    }

    void countData(int bytes, boolean retransmission) {
        stats.dataSegmentsSent++;
        stats.dataBytesSent += bytes;
        if (retransmission) {
            stats.retransmittedSegments++;
        }
    }

    void countRetransmit() {
        stats.retransmitTimeouts++;
    }

    void forget(TcpConnection c) {
        connections.remove(key(c.remoteIp, c.remotePort, c.localPort), c);
    }

    /** A RST for a segment that has no connection (RFC 793 "reset generation"). */
    void sendReset(int dstIp, int dstPort, int srcPort, int seq, int ack, boolean withAck) {
        int t = Ethernet.HEADER + Ipv4.HEADER;
        byte[] frame = new byte[t + Packet.TCP_HEADER];
        Bytes.put16(frame, t, srcPort);
        Bytes.put16(frame, t + 2, dstPort);
        Bytes.put32(frame, t + 4, seq);
        Bytes.put32(frame, t + 8, withAck ? ack : 0);
        frame[t + 12] = (byte) ((Packet.TCP_HEADER / 4) << 4);
        frame[t + 13] = (byte) (Packet.RST | (withAck ? Packet.ACK : 0));
        long sum = Checksum.pseudoHeader(ip, dstIp, Ipv4.PROTOCOL_TCP, Packet.TCP_HEADER);
        Bytes.put16(frame, t + 16, Checksum.finish(Checksum.add(sum, frame, t, Packet.TCP_HEADER)));
        Ipv4.writeHeader(frame, Ethernet.HEADER, Ipv4.HEADER + Packet.TCP_HEADER, 0, Ipv4.PROTOCOL_TCP,
                Ipv4.DEFAULT_TTL, ip, dstIp);
        stats.resetsSent++;
        sendFrame(frame, dstIp, 0);
    }

    private static long key(int remoteIp, int remotePort, int localPort) {
        return ((long) remoteIp << 32) | ((long) remotePort << 16) | localPort;
    }

    private void process(byte[] f) {
        stats.framesReceived++;
        Packet p = Packet.parse(f, 0, f.length);
        if (p.dstMac != mac && p.dstMac != Ethernet.BROADCAST) {
            stats.framesDropped++;
            return;
        }
        switch (p.kind) {
            case ARP -> processArp(p);
            case TCP -> processTcp(p, f);
            default -> stats.framesDropped++;
        }
    }

    private void processArp(Packet p) {
        boolean known = arpCache.containsKey(p.arpSenderIp);
        if (p.arpTargetIp != ip) {
            if (known) {
                arpCache.put(p.arpSenderIp, p.arpSenderMac); // RFC 826: refresh entries we already have
            }
            return;
        }
        arpCache.put(p.arpSenderIp, p.arpSenderMac); // RFC 826: the asker is a neighbour worth knowing
        if (p.arpOp == Arp.OP_REQUEST) {
            queue(new Tx(Arp.frame(Arp.OP_REPLY, mac, ip, p.arpSenderMac, p.arpSenderIp), 0));
        }
        PendingArp pending = arpPending.remove(p.arpSenderIp);
        if (pending != null) {
            pending.retry.cancel();
            for (Tx tx : pending.frames) {
                Bytes.put48(tx.frame, 0, p.arpSenderMac);
                queue(tx);
            }
        }
    }

    private void processTcp(Packet p, byte[] f) {
        if (p.dstIp != ip || !p.ipChecksumOk || !p.tcpChecksumOk) {
            stats.framesDropped++;
            return;
        }
        TcpConnection c = connections.get(key(p.srcIp, p.srcPort, p.dstPort));
        if (c != null) {
            c.input(p, f);
            return;
        }
        Function<TcpConnection, TcpHandler> acceptor = listeners.get(p.dstPort);
        if (acceptor != null && p.has(Packet.SYN) && !p.has(Packet.ACK) && !p.has(Packet.RST)) {
            TcpConnection nc = new TcpConnection(this, p.srcIp, p.srcPort, p.dstPort, null);
            nc.setHandler(acceptor.apply(nc));
            connections.put(key(p.srcIp, p.srcPort, p.dstPort), nc);
            nc.openPassive(p);
            return;
        }
        if (!p.has(Packet.RST)) {
            if (p.has(Packet.ACK)) {
                sendReset(p.srcIp, p.srcPort, p.dstPort, p.ack, 0, false);
            } else {
                sendReset(p.srcIp, p.srcPort, p.dstPort, 0, p.seq + p.segmentLength(), true);
            }
        }
    }

    @Override
    public String toString() {
        return "NetStack " + name;
    }
}
