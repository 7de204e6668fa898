package io.trapline.guest.tcp;

import io.trapline.emulator.time.Scheduler;
import io.trapline.guest.net.Addresses;
import io.trapline.guest.net.Packet;
import io.trapline.guest.peer.Wire;
import io.trapline.guest.platform.Cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Test fixture: two stacks A and B on a 1 Gb/s cable with 50 us latency, each with a 1 us per-frame cost. */
final class TcpPair {
    static final int IP_A = Addresses.ipv4("192.168.0.1");
    static final int IP_B = Addresses.ipv4("192.168.0.2");
    static final int PORT = 5000;

    final Scheduler scheduler = new Scheduler();
    final NetStack a;
    final NetStack b;
    final Wire aToB;
    final Wire bToA;
    /** Delivered frames in order, parsed, with the sender: true = A. */
    final List<Packet> packets = new ArrayList<>();
    final List<Boolean> fromA = new ArrayList<>();
    final List<Long> times = new ArrayList<>();

    TcpPair(TcpConfig configA, TcpConfig configB, long seed) {
        Random random = new Random(seed);
        a = new NetStack("a", scheduler, new Cpu(scheduler), 1_000, 1_000, configA, 0x0200_0000_0001L, IP_A, random);
        b = new NetStack("b", scheduler, new Cpu(scheduler), 1_000, 1_000, configB, 0x0200_0000_0002L, IP_B, random);
        aToB = new Wire(scheduler, 1_000_000_000L, 50_000, (f, o, l) -> {
            b.receive(f, o, l);
            return true;
        });
        bToA = new Wire(scheduler, 1_000_000_000L, 50_000, (f, o, l) -> {
            a.receive(f, o, l);
            return true;
        });
        a.attach(aToB);
        b.attach(bToA);
        aToB.observe((t, f) -> record(t, f, true));
        bToA.observe((t, f) -> record(t, f, false));
    }

    TcpPair() {
        this(TcpConfig.linux(), TcpConfig.linux(), 7);
    }

    private void record(long t, byte[] f, boolean sentByA) {
        packets.add(Packet.parse(f, 0, f.length));
        fromA.add(sentByA);
        times.add(t);
    }

    /** Runs events until {@code until} holds; fails after {@code maxEvents}. */
    void runUntil(java.util.function.BooleanSupplier until, long maxEvents) {
        long n = 0;
        while (!until.getAsBoolean()) {
            if (!scheduler.runNext() || ++n > maxEvents) {
                throw new AssertionError("condition not reached after " + n + " events");
            }
        }
    }

    /** Runs every pending event up to {@code timeNs}. */
    void runFor(long ns) {
        scheduler.runUntil(scheduler.now() + ns);
    }

    List<Packet> sentBy(boolean byA) {
        List<Packet> out = new ArrayList<>();
        for (int i = 0; i < packets.size(); i++) {
            if (fromA.get(i) == byA && packets.get(i).kind == Packet.Kind.TCP) {
                out.add(packets.get(i));
            }
        }
        return out;
    }

    /** A handler that records events and can read everything it is given. */
    static final class Recorder implements TcpHandler {
        boolean readAll;
        boolean connected;
        boolean closed;
        boolean reset;
        boolean eof;
        long received;
        final java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();

        Recorder(boolean readAll) {
            this.readAll = readAll;
        }

        @Override
        public void connected(TcpConnection c) {
            connected = true;
        }

        @Override
        public void readable(TcpConnection c) {
            if (!readAll) {
                return;
            }
            drain(c);
        }

        void drain(TcpConnection c) {
            byte[] buf = new byte[4096];
            int n;
            while ((n = c.read(buf, 0, buf.length)) > 0) {
                received += n;
                data.write(buf, 0, n);
            }
            if (n < 0) {
                eof = true;
            }
        }

        @Override
        public void closed(TcpConnection c, boolean wasReset) {
            closed = true;
            reset = wasReset;
        }
    }
}
