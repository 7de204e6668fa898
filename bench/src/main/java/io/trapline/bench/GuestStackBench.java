package io.trapline.bench;

import io.trapline.emulator.time.Scheduler;
import io.trapline.guest.http.HttpServer;
import io.trapline.guest.peer.HostPeer;
import io.trapline.guest.peer.UserNetwork;
import io.trapline.guest.platform.Cpu;
import io.trapline.guest.platform.PlatformProfile;
import io.trapline.guest.tcp.NetStack;
import io.trapline.guest.workload.MarkListener;
import io.trapline.guest.workload.RequestGroup;
import io.trapline.guest.workload.WebWorkload;
import io.trapline.guest.workload.Workload;
import io.trapline.guest.workload.WorkloadEnv;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;

/**
 * The guest's network side alone: guest stack + HTTP server and host peer + client back to back on the
 * virtual wire (no NIC model), running the {@code web} workload (20 x 1 KiB, 2 x 64 KiB per op). The
 * {@code frames} counter is frames on the wire per second of host time — the ceiling the stack puts on
 * {@code trapline record}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class GuestStackBench {

    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Frames {
        public long frames;

        @Setup(Level.Iteration)
        public void clear() {
            frames = 0;
        }
    }

    private long seed;

    @Benchmark
    public long webWorkload(Frames counter) {
        Scheduler scheduler = new Scheduler();
        PlatformProfile profile = PlatformProfile.kvm();
        Random random = new Random(seed++);
        NetStack guest = UserNetwork.guestStack(scheduler, new Cpu(scheduler), profile, random);
        HostPeer peer = new HostPeer(scheduler, profile, random, 0, (f, o, l) -> {
            guest.receive(f, o, l);
            return true;
        });
        guest.attach(peer.fromGuest());
        new HttpServer(guest, profile).listen(UserNetwork.HTTP_PORT);
        Workload w = new WebWorkload(new WorkloadEnv(scheduler, peer.stack(), UserNetwork.GUEST_IP,
                UserNetwork.HTTP_PORT, profile, 0, 0), RequestGroup.parseList("20x1024,2x65536"));
        w.start(MarkListener.NONE);
        while (!w.done() && scheduler.runNext()) {
            // run to the end of the workload
        }
        long frames = peer.fromGuest().framesDelivered() + peer.toGuest().framesDelivered();
        counter.frames += frames;
        return frames;
    }
}
