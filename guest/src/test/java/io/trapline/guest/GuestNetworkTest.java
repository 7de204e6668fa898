package io.trapline.guest;

import io.trapline.emulator.device.Device;
import io.trapline.emulator.device.DeviceContext;
import io.trapline.emulator.machine.Machine;
import io.trapline.emulator.machine.PciSlot;
import io.trapline.emulator.pci.PciConfigSpace;
import io.trapline.emulator.time.Timer;
import io.trapline.guest.net.GuestNic;
import io.trapline.guest.platform.PlatformProfile;
import io.trapline.guest.tcp.NetStack;
import io.trapline.guest.workload.MarkListener;
import io.trapline.guest.workload.Workload;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GuestNetworkTest {

    /**
     * A minimal NIC behind the real device boundary: a 4-frame receive ring that refuses when full and
     * signals rxReady when drained, a "driver" that moves frames between it and the guest stack.
     */
    private static final class RingNic implements Device, GuestNic {
        private final DeviceContext ctx;
        private final PciConfigSpace config = new PciConfigSpace(256, 0x1234, 0x0001, 0x020000, 0, 0, 0, 1);
        private final ArrayDeque<byte[]> ring = new ArrayDeque<>();
        private final Timer poll;
        NetStack stack;
        int refused;
        long transmitted;

        RingNic(DeviceContext ctx) {
            this.ctx = ctx;
            this.poll = ctx.newTimer(this::poll);
        }

        @Override
        public String model() {
            return "ring-test";
        }

        @Override
        public PciConfigSpace pciConfig() {
            return config;
        }

        @Override
        public long read(int bar, long offset, int size) {
            return 0;
        }

        @Override
        public void write(int bar, long offset, int size, long value) {
        }

        @Override
        public boolean receive(byte[] frame, int offset, int length) {
            if (ring.size() == 4) {
                refused++;
                return false;
            }
            ring.add(Arrays.copyOfRange(frame, offset, offset + length));
            if (!poll.armed()) {
                poll.arm(ctx.now() + 30_000); // interrupt moderation, then a NAPI poll
            }
            return true;
        }

        private void poll() {
            boolean wasFull = ring.size() == 4;
            while (!ring.isEmpty()) {
                byte[] f = ring.poll();
                stack.receive(f, 0, f.length);
            }
            if (wasFull) {
                ctx.rxReady();
            }
        }

        @Override
        public boolean transmit(byte[] frame, int offset, int length, int gsoSize, boolean more) {
            transmitted++;
            ctx.transmit(frame, offset, length);
            return true;
        }
    }

    @Test
    void aWebWorkloadRunsThroughTheMachinesDeviceBoundary() {
        Machine machine = new Machine(1 << 20);
        RingNic[] nic = new RingNic[1];
        PciSlot slot = machine.plug(ctx -> nic[0] = new RingNic(ctx));
        GuestNetwork net = GuestNetwork.forMachine(machine, slot, PlatformProfile.tcg(), 17);
        nic[0].stack = net.guest();
        net.guest().attach(nic[0]);
        Workload w = net.workload("web", Map.of("requests", "10x1024,2x65536"), 0, 1_000_000);
        w.start(MarkListener.NONE);
        long events = 0;
        while (!w.done()) {
            assertTrue(machine.scheduler().runNext() && ++events < 5_000_000, "stuck");
        }
        assertEquals(12, w.result().requestsOk());
        assertTrue(nic[0].refused > 0, "the 4-frame ring overflowed during the 64 KiB responses' ACK bursts or requests");
        assertEquals(net.peer().fromGuest().framesDelivered(), nic[0].transmitted);
        assertEquals(0, net.peer().stack().stats().retransmitTimeouts + net.guest().stats().retransmitTimeouts);
    }
}
