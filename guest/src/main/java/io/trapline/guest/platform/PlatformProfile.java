package io.trapline.guest.platform;

import java.util.List;
import java.util.Locale;

/**
 * The virtual-time cost of each operation group on one platform (accelerator), in nanoseconds. Guest and
 * host models charge these to their {@link Cpu}; throughput then follows from what the model does, not
 * from a target rate. Sources per number are in {@link #kvm()} and {@link #tcg()} and in docs/guest.md.
 *
 * @param name                  profile name as given on the command line
 * @param tcpRxSegmentNs        guest kernel: one received frame through IP and TCP input to the socket
 * @param tcpTxSegmentNs        guest kernel: one segment built by TCP/IP and handed to the driver
 * @param syscallNs             guest: one socket system call (read, write, accept, close), small copies included
 * @param copyNsPerKiB          guest: copying 1 KiB between user and kernel buffers
 * @param processSpawnNs        guest: busybox httpd, from a new connection's request to its response head (fork, parse, open)
 * @param serverCloseNs         guest: httpd child from its last write to close() (exit)
 * @param mmioExitNs            exit to the userspace device model and back, MMIO access
 * @param mmioIoeventfdNs       MMIO write absorbed by ioeventfd (a virtio kick on the fast path)
 * @param pioExitNs             exit to the userspace device model and back, port I/O access
 * @param pioIoeventfdNs        port I/O write absorbed by ioeventfd (legacy virtio kick)
 * @param interruptDeliveryNs   injecting one interrupt and entering its handler, EOI included, idle wake-up included
 * @param linkBitsPerSecond     wire rate for serialisation time
 * @param wireLatencyNs         one-way propagation latency of the wire
 * @param hostFrameNs           host: slirp (QEMU user networking) processing of one frame in the main loop
 * @param hostClientStartNs     host: starting one client (a curl process) before its connect()
 * @param hostClientRequestNs   host: client from connection established to its request written
 * @param hostClientCloseNs     host: client from the last response byte to its close()
 * @param deviceTxFrameNs       device emulation that runs on the vCPU while it is stopped in a register access:
 *                              per frame a device sends synchronously (e1000 transmits, segments TSO frames and
 *                              hands them to slirp inside the TDT write)
 * @param txBottomHalfNs        how long after a kick QEMU's main loop runs virtio-net's TX bottom half
 * @param interruptBusyNs       injecting an interrupt into a vCPU that is running (no wake-up from halt)
 */
public record PlatformProfile(
        String name,
        long tcpRxSegmentNs,
        long tcpTxSegmentNs,
        long syscallNs,
        long copyNsPerKiB,
        long processSpawnNs,
        long serverCloseNs,
        long mmioExitNs,
        long mmioIoeventfdNs,
        long pioExitNs,
        long pioIoeventfdNs,
        long interruptDeliveryNs,
        long linkBitsPerSecond,
        long wireLatencyNs,
        long hostFrameNs,
        long hostClientStartNs,
        long hostClientRequestNs,
        long hostClientCloseNs,
        long deviceTxFrameNs,
        long txBottomHalfNs,
        long interruptBusyNs) {

    /** Cycles to nanoseconds at the 3 GHz clock assumed for the cycle counts in FACTS.md. */
    private static long cycles(long n) {
        return n / 3;
    }

    /**
     * KVM with QEMU's userspace device models and slirp networking. Exit costs are the FACTS.md
     * "What an exit costs" cycle counts (QEMU docs/specs/pci-testdev, kvm-unit-tests) at an assumed 3 GHz.
     * Guest kernel costs are native Linux figures (order of a microsecond per segment; estimates, not
     * measured here). Host-side client and slirp costs are the same host as in {@link #tcg()}: they do
     * not depend on the guest's accelerator.
     */
    public static PlatformProfile kvm() {
        return new PlatformProfile("kvm",
                1_500,              // TCP input per segment, native: estimate (~1-2 us per packet)
                1_000,              // TCP output per segment, native: estimate
                400,                // one syscall incl. small copy: estimate
                100,                // memcpy ~10 GB/s: estimate
                150_000,            // fork of a busybox child natively: estimate (100-300 us)
                30_000,             // child exit: estimate
                cycles(8_800),      // MMIO exit to userspace and back: ~8,800 cycles (FACTS.md)
                cycles(3_600),      // MMIO write via ioeventfd: ~3,600 cycles (FACTS.md)
                cycles(5_300),      // PIO exit to userspace: ~5,300 cycles (FACTS.md)
                cycles(1_760),      // PIO write via ioeventfd: ~1,760 cycles (FACTS.md)
                cycles(2_000) * 3,  // injection exit + EOI exit + handler entry: ~3 world switches of ~2,000 cycles (FACTS.md, SplitX)
                10_000_000_000L,    // virtio/e1000 to slirp is a memory copy; model as a 10 Gb/s link
                1_000,              // host loopback hop: estimate
                6_000,              // slirp per frame: host ACK ~6 us after a guest frame in the virtio capture
                6_500_000,          // curl start: median gap between connections, virtio capture
                1_500_000,          // curl connect -> request: median, virtio capture
                100_000,            // curl last byte -> FIN: median host FIN 127 us after the body, virtio capture
                2_000,              // e1000 TX per frame in QEMU's vCPU thread, native code: estimate
                5_000,              // main-loop bottom half after an ioeventfd kick: estimate
                cycles(2_000) * 2); // injection + EOI exits without a halt wake-up: 2 world switches (FACTS.md)
    }

    /**
     * TCG, the setup of the shared captures (QEMU 7.2, -accel tcg, one vCPU, slirp, tracing on). Fitted to
     * the medians of ../shared/captures/qemu-7.2-tcg (virtio and e1000 packets.pcap, workload window):
     * <ul>
     * <li>guest 1460-byte segments leave every 27 us (virtio) / 33 us (e1000) in a 64 KiB response while
     *     one host ACK is processed per segment: TCP input + output ~ 25-30 us;</li>
     * <li>SYN to SYN-ACK 440 us (virtio), guest ACK of a request 416 us: one interrupt, one received and one
     *     sent segment and a kick — most of it is the interrupt path of a halted vCPU;</li>
     * <li>request to response header 1.8 ms (busybox httpd forks per connection);
     *     guest FIN 319 us after the body (virtio);</li>
     * <li>an e1000 connection lasts 8.1 ms against 4.4 ms for virtio with 47 against 5 NIC accesses per
     *     request: ~85 us per trapping access under TCG with tracing on (fit).</li>
     * </ul>
     * Rates that follow: 200 x 1 KiB took 2.37 s (virtio) and 3.41 s (e1000) in phases.txt, 11.9 and 17 ms
     * per request, of which the host (curl start, gaps) is about 8 ms.
     */
    public static PlatformProfile tcg() {
        return new PlatformProfile("tcg",
                12_000,             // TCP input per segment: half of the ~25 us per-segment pace (fit)
                12_000,             // TCP output per segment: the other half (fit)
                20_000,             // syscall under TCG: estimate, ~20x native
                2_000,              // copy 1 KiB under TCG: estimate, ~20x native
                1_600_000,          // httpd fork -> response: request to header 1.8 ms minus the rx/tx path
                300_000,            // httpd last write -> FIN: 319 us median (virtio)
                85_000,             // trapping MMIO access: fit of e1000 vs virtio connection durations
                40_000,             // kick through ioeventfd under TCG: estimate, half an access (no device work on the vCPU)
                85_000,             // port I/O access: same path as MMIO under TCG
                40_000,             // port I/O kick through ioeventfd: as MMIO
                300_000,            // interrupt delivery incl. waking the halted vCPU: SYN -> SYN-ACK 440 us minus rx, tx, kick
                10_000_000_000L,    // same as kvm: slirp is a memory copy
                1_000,              // host hop: estimate
                6_000,              // slirp per frame: host ACK 6 us after a guest frame (virtio capture)
                6_500_000,          // curl start: median gap between connections (virtio capture)
                1_500_000,          // curl connect -> request: median 1.54 ms (virtio capture)
                100_000,            // curl last byte -> FIN: median 127 us after the body (virtio capture)
                25_000,             // e1000 TX per frame on the vCPU thread under TCG: 33 us segment spacing (e1000 capture) minus TCP output
                30_000,             // virtio TX bottom half: main loop waits for the TCG vCPU to drop the BQL (fit)
                300_000);           // TCG: the fitted delivery figure above already averages busy and halted vCPUs
    }

    public static List<PlatformProfile> all() {
        return List.of(kvm(), tcg());
    }

    public static PlatformProfile named(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (PlatformProfile p : all()) {
            if (p.name().equals(n)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown platform profile '" + name + "' (known: kvm, tcg)");
    }

    /** Time to put {@code frameBytes} on the wire, including preamble, FCS and inter-frame gap. */
    public long wireTimeNs(int frameBytes) {
        return io.trapline.guest.peer.Wire.serialisationNs(frameBytes, linkBitsPerSecond);
    }

    /** Cost of one syscall moving {@code bytes} between user and kernel space. */
    public long syscallNs(long bytes) {
        return syscallNs + copyNsPerKiB * bytes / 1024;
    }
}
