package io.trapline.guest;

import io.trapline.emulator.machine.Machine;
import io.trapline.emulator.machine.PciSlot;
import io.trapline.emulator.time.Scheduler;
import io.trapline.guest.http.HttpServer;
import io.trapline.guest.peer.HostPeer;
import io.trapline.guest.peer.UserNetwork;
import io.trapline.guest.platform.Cpu;
import io.trapline.guest.platform.PlatformProfile;
import io.trapline.guest.tcp.NetStack;
import io.trapline.guest.workload.Workload;
import io.trapline.guest.workload.WorkloadEnv;
import io.trapline.guest.workload.Workloads;

import java.util.Map;
import java.util.Random;

/**
 * Everything on the network side of one embedded guest, wired to a machine: the guest's vCPU, its stack with
 * the HTTP server listening, and the host peer as the machine's network backend feeding the NIC in the
 * given slot. What remains for a guest driver model: {@code guest().attach(driver)} (the driver is the
 * {@link io.trapline.guest.net.GuestNic}), {@code guest().receive(...)} from its receive path, and charging
 * its own costs to {@link #vcpu()}. One seeded {@link Random} feeds both stacks.
 */
public final class GuestNetwork {
    private final Scheduler scheduler;
    private final PlatformProfile profile;
    private final Cpu vcpu;
    private final NetStack guest;
    private final HttpServer server;
    private final HostPeer peer;

    private GuestNetwork(Machine machine, PciSlot nic, PlatformProfile profile, long seed, Cpu vcpu) {
        this.scheduler = machine.scheduler();
        this.profile = profile;
        Random random = new Random(seed);
        this.vcpu = vcpu;
        this.guest = UserNetwork.guestStack(scheduler, vcpu, profile, random);
        this.server = new HttpServer(guest, profile);
        server.listen(UserNetwork.HTTP_PORT);
        this.peer = HostPeer.forDevice(scheduler, profile, random, nic.index(), nic.device());
        machine.setNetwork(peer);
    }

    /** Builds the network side for the NIC plugged in {@code nic} and makes the peer the machine's backend. */
    public static GuestNetwork forMachine(Machine machine, PciSlot nic, PlatformProfile profile, long seed) {
        return new GuestNetwork(machine, nic, profile, seed, new Cpu(machine.scheduler()));
    }

    /** The same, on a vCPU that already exists (the guest kernel's, which its driver model charges). */
    public static GuestNetwork forMachine(Machine machine, PciSlot nic, PlatformProfile profile, long seed, Cpu vcpu) {
        return new GuestNetwork(machine, nic, profile, seed, vcpu);
    }

    /** A workload with the captures' timing (1 s after ready, 3 s idle); start it once the driver is up. */
    public Workload workload(String name, Map<String, String> options) {
        return Workloads.create(name, WorkloadEnv.asCaptured(scheduler, peer.stack(), UserNetwork.GUEST_IP,
                UserNetwork.HTTP_PORT, profile), options);
    }

    /** A workload with its own lead-in: {@code readyToIdleNs} then {@code idleNs} before the requests. */
    public Workload workload(String name, Map<String, String> options, long readyToIdleNs, long idleNs) {
        return Workloads.create(name, new WorkloadEnv(scheduler, peer.stack(), UserNetwork.GUEST_IP,
                UserNetwork.HTTP_PORT, profile, readyToIdleNs, idleNs), options);
    }

    public Cpu vcpu() {
        return vcpu;
    }

    public NetStack guest() {
        return guest;
    }

    public HttpServer server() {
        return server;
    }

    public HostPeer peer() {
        return peer;
    }

    public PlatformProfile profile() {
        return profile;
    }
}
