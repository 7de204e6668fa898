package io.trapline.guest.peer;

import io.trapline.emulator.time.Scheduler;
import io.trapline.guest.http.HttpServer;
import io.trapline.guest.platform.Cpu;
import io.trapline.guest.platform.PlatformProfile;
import io.trapline.guest.tcp.NetStack;
import io.trapline.guest.workload.MarkListener;
import io.trapline.guest.workload.Workload;
import io.trapline.guest.workload.WorkloadEnv;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Test fixture: the guest stack and the host peer on one virtual cable, no NIC model in between. */
public final class BackToBack {
    public final Scheduler scheduler = new Scheduler();
    public final PlatformProfile profile;
    public final Cpu vcpu = new Cpu(scheduler);
    public final NetStack guest;
    public final HostPeer peer;
    public final HttpServer server;
    /** Every delivered frame in delivery order, with the direction: true = guest to host. */
    public final List<byte[]> frames = new ArrayList<>();
    public final List<Boolean> fromGuest = new ArrayList<>();
    public final List<Long> times = new ArrayList<>();
    private final MessageDigest digest;

    public BackToBack(PlatformProfile profile, long seed) {
        this.profile = profile;
        Random random = new Random(seed);
        this.guest = UserNetwork.guestStack(scheduler, vcpu, profile, random);
        this.peer = new HostPeer(scheduler, profile, random, 0, (f, o, l) -> {
            guest.receive(f, o, l);
            return true;
        });
        guest.attach(peer.fromGuest());
        this.server = new HttpServer(guest, profile);
        server.listen(UserNetwork.HTTP_PORT);
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        peer.fromGuest().observe((t, f) -> record(t, f, true));
        peer.toGuest().observe((t, f) -> record(t, f, false));
    }

    private void record(long time, byte[] f, boolean up) {
        frames.add(f);
        times.add(time);
        fromGuest.add(up);
        digest.update(Long.toString(time).getBytes());
        digest.update(up ? (byte) 1 : (byte) 0);
        digest.update(f);
    }

    /** SHA-256 over (time, direction, bytes) of every delivered frame so far. */
    public String hash() {
        try {
            MessageDigest copy = (MessageDigest) digest.clone();
            StringBuilder sb = new StringBuilder();
            for (byte b : copy.digest()) {
                sb.append(String.format("%02x", b));
            }
            return sb.toString();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The workload environment with a short idle so tests stay fast. */
    public WorkloadEnv env(long idleNs) {
        return new WorkloadEnv(scheduler, peer.stack(), UserNetwork.GUEST_IP, UserNetwork.HTTP_PORT, profile, idleNs, idleNs);
    }

    /** Runs the workload to its end; fails when it does not finish within {@code maxEvents}. */
    public void run(Workload w, MarkListener marks, long maxEvents) {
        w.start(marks);
        long events = 0;
        while (!w.done()) {
            if (!scheduler.runNext() || ++events > maxEvents) {
                throw new AssertionError("workload " + w.name() + " did not finish: " + events + " events, "
                        + w.result() + ", pending " + scheduler.pending());
            }
        }
    }
}
