package io.trapline.guest.run;

import io.trapline.emulator.device.BoundaryTap;
import io.trapline.emulator.device.DeviceCatalog;
import io.trapline.emulator.machine.Machine;
import io.trapline.emulator.machine.NetworkBackend;
import io.trapline.emulator.machine.PciSlot;
import io.trapline.guest.GuestNetwork;
import io.trapline.guest.driver.E1000Driver;
import io.trapline.guest.driver.NicDriver;
import io.trapline.guest.driver.VirtioNetDriver;
import io.trapline.guest.kernel.Firmware;
import io.trapline.guest.kernel.GuestKernel;
import io.trapline.guest.kernel.PlatformTap;
import io.trapline.guest.peer.HostPeer;
import io.trapline.guest.platform.PlatformProfile;
import io.trapline.guest.tcp.NetStack;
import io.trapline.guest.workload.MarkListener;
import io.trapline.guest.workload.Workload;
import io.trapline.guest.workload.Workloads;
import io.trapline.guest.workload.WorkloadResult;

import java.util.Map;

/**
 * One embedded run: a machine with one NIC model, the guest (kernel, driver model, TCP/IP stack, HTTP
 * server), the host peer and a workload, all in virtual time. Whatever taps the device boundary (the
 * recorder) is passed in, as is where the workload's marks go.
 */
public final class GuestRun {
    /** Guest RAM, as the shared captures' {@code -m 256}. */
    public static final long RAM = 256L << 20;
    /** Virtual time after the workload's end that the run goes on (the captures' window ends 0.25 s after work_end). */
    public static final long TAIL_NS = 250_000_000L;
    /** A run that has not finished after this much virtual time is stopped. */
    public static final long LIMIT_NS = 3_600_000_000_000L;

    /**
     * @param nic          {@code e1000} or {@code virtio-net}
     * @param deviceConfig device options in {@link DeviceCatalog} keys
     * @param workload     web, keepalive, bulk, rr
     * @param workloadOptions workload options, e.g. {@code requests=200x1024,20x65536}
     */
    public record Options(String nic, Map<String, Object> deviceConfig, String workload, Map<String, String> workloadOptions,
                          PlatformProfile profile, long seed) {
    }

    /** What happened. */
    public record Result(WorkloadResult workload, long endNs, long interrupts, long driverAccesses, boolean finished) {
    }

    /** Progress callback: virtual time and requests done so far. */
    public interface Progress {
        void update(long virtualNs, long requestsDone);
    }

    private GuestRun() {
    }

    public static Result run(Options options, BoundaryTap tap, MarkListener marks, Progress progress) {
        return run(options, tap, marks, PlatformTap.NONE, progress);
    }

    /**
     * Checks what a run would reject in its options (NIC, device options, workload and its options) without running
     * anything: an IllegalArgumentException names the problem. A recorder calls it before creating the capture.
     */
    public static void check(Options options) {
        if (!DeviceCatalog.E1000.equals(options.nic()) && !DeviceCatalog.VIRTIO_NET.equals(options.nic())) {
            throw noDriver(options.nic());
        }
        DeviceCatalog.validate(options.nic(), deviceConfig(options));
        Workloads.parse(options.workload(), options.workloadOptions());
    }

    /** As {@link #run(Options, BoundaryTap, MarkListener, Progress)}, also reporting the guest's local APIC EOIs to {@code platform}. */
    public static Result run(Options options, BoundaryTap tap, MarkListener marks, PlatformTap platform, Progress progress) {
        Machine machine = new Machine(RAM);
        PciSlot slot = machine.plug(ctx -> DeviceCatalog.create(options.nic(), deviceConfig(options), ctx), tap);
        Firmware.assignBars(machine);
        GuestKernel kernel = new GuestKernel(machine, options.profile());
        kernel.interrupts().setPlatformTap(platform);
        GuestNetwork network = GuestNetwork.forMachine(machine, slot, options.profile(), options.seed(), kernel.cpu());
        HostPeer peer = network.peer();
        machine.setNetwork(new NetworkBackend() {
            @Override
            public void transmit(int deviceIndex, byte[] frame, int offset, int length) {
                if (kernel.inAccess()) {
                    kernel.cpu().charge(options.profile().deviceTxFrameNs()); // emulated on the stopped vCPU
                }
                peer.transmit(deviceIndex, frame, offset, length);
            }

            @Override
            public void rxReady(int deviceIndex) {
                peer.rxReady(deviceIndex);
            }
        });
        NicDriver driver = driverFor(options.nic(), kernel, slot, network.guest());
        network.guest().attach(driver);
        Workload workload = network.workload(options.workload(), options.workloadOptions());
        marks.phaseStart(0, "boot");
        driver.start(() -> {
            marks.phaseEnd(machine.scheduler().now(), "boot");
            workload.start(marks);
        });
        var s = machine.scheduler();
        long lastProgress = 0;
        long events = 0;
        while (!workload.done() && s.now() < LIMIT_NS && s.runNext()) {
            if (progress != null && ++events % 4096 == 0 && s.now() - lastProgress > 100_000_000L) {
                lastProgress = s.now();
                progress.update(s.now(), workload.result().requests());
            }
        }
        boolean finished = workload.done();
        if (finished) {
            s.runUntil(s.now() + TAIL_NS);
            marks.phaseEnd(s.now(), Workload.WINDOW);
        }
        return new Result(workload.result(), s.now(), driver.interrupts(), 0, finished);
    }

    /**
     * The device config the run uses: the options given, plus where the platform decides a device timing
     * (virtio-net's TX bottom-half latency) unless the caller set it.
     */
    public static Map<String, Object> deviceConfig(Options options) {
        Map<String, Object> config = new java.util.LinkedHashMap<>(options.deviceConfig());
        if (DeviceCatalog.VIRTIO_NET.equals(options.nic())) {
            config.putIfAbsent("tx_bh_delay_ns", options.profile().txBottomHalfNs());
        }
        return config;
    }

    static NicDriver driverFor(String nic, GuestKernel kernel, PciSlot slot, NetStack stack) {
        switch (nic) {
            case DeviceCatalog.E1000:
                return new E1000Driver(kernel, slot, stack);
            case DeviceCatalog.VIRTIO_NET:
                return new VirtioNetDriver(kernel, slot, stack);
            default:
                throw noDriver(nic);
        }
    }

    private static IllegalArgumentException noDriver(String nic) {
        return new IllegalArgumentException("no guest driver model for NIC '" + nic + "' (known: e1000, virtio-net)");
    }
}
