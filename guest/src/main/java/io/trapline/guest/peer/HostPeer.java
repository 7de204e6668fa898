package io.trapline.guest.peer;

import io.trapline.emulator.device.Device;
import io.trapline.emulator.machine.NetworkBackend;
import io.trapline.emulator.time.Scheduler;
import io.trapline.guest.platform.Cpu;
import io.trapline.guest.platform.PlatformProfile;
import io.trapline.guest.tcp.NetStack;
import io.trapline.guest.tcp.TcpConfig;

import java.util.Arrays;
import java.util.Random;

/**
 * The host side of the guest's cable: QEMU's user networking (slirp) with the host's clients behind it.
 * As the machine's {@link NetworkBackend} it takes what the NIC model transmits; it delivers frames to
 * the NIC through a {@link FrameSink} (a device model's {@code receive}), and when the NIC refuses one it
 * keeps it and everything after it until {@link #rxReady}. Slirp's processing costs
 * {@link PlatformProfile#hostFrameNs()} per received frame on the host main loop's {@link Cpu}.
 */
public final class HostPeer implements NetworkBackend {
    private final int deviceIndex;
    private final NetStack stack;
    private final Wire toGuest;
    private final Wire fromGuest;

    public HostPeer(Scheduler scheduler, PlatformProfile profile, Random random, int deviceIndex, FrameSink guestNic) {
        this.deviceIndex = deviceIndex;
        Cpu mainLoop = new Cpu(scheduler);
        this.stack = new NetStack("host", scheduler, mainLoop, profile.hostFrameNs(), 0, TcpConfig.slirp(),
                UserNetwork.HOST_MAC, UserNetwork.HOST_IP, random);
        this.toGuest = new Wire(scheduler, profile.linkBitsPerSecond(), profile.wireLatencyNs(), guestNic);
        this.fromGuest = new Wire(scheduler, profile.linkBitsPerSecond(), profile.wireLatencyNs(), (f, o, l) -> {
            stack.receive(f, o, l);
            return true;
        });
        stack.attach(toGuest);
    }

    /** A peer that feeds the NIC model {@code device} (plugged as device {@code deviceIndex}). */
    public static HostPeer forDevice(Scheduler scheduler, PlatformProfile profile, Random random, int deviceIndex, Device device) {
        return new HostPeer(scheduler, profile, random, deviceIndex, device::receive);
    }

    @Override
    public void transmit(int deviceIndex, byte[] frame, int offset, int length) {
        if (deviceIndex == this.deviceIndex) {
            fromGuest.send(Arrays.copyOfRange(frame, offset, offset + length));
        }
    }

    @Override
    public void rxReady(int deviceIndex) {
        if (deviceIndex == this.deviceIndex) {
            toGuest.ready();
        }
    }

    /** The host's stack (slirp's TCP); workloads open their client connections on it. */
    public NetStack stack() {
        return stack;
    }

    /** Host -> guest direction. */
    public Wire toGuest() {
        return toGuest;
    }

    /**
     * Guest -> host direction. Without a NIC model (back-to-back tests) the guest stack attaches to this
     * directly as its {@link io.trapline.guest.net.GuestNic}.
     */
    public Wire fromGuest() {
        return fromGuest;
    }
}
