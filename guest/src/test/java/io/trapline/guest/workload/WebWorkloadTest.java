package io.trapline.guest.workload;

import io.trapline.guest.peer.BackToBack;
import io.trapline.guest.platform.PlatformProfile;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WebWorkloadTest {

    @Test
    void webRequestsAllSucceedOverOneConnectionEach() {
        BackToBack net = new BackToBack(PlatformProfile.tcg(), 1);
        Workload w = new WebWorkload(net.env(1_000_000), RequestGroup.parseList("5x1024,2x65536"));
        List<String> log = new ArrayList<>();
        net.run(w, new RecordingMarks(log), 1_000_000);
        WorkloadResult r = w.result();
        assertEquals(7, r.requestsOk(), () -> r + "\n" + String.join("\n", log));
        assertEquals(0, r.requestsFailed());
        assertEquals(5 * 1024 + 2 * 65536, r.bodyBytes());
        System.out.println(r + " frames=" + net.frames.size() + " rps=" + r.requestsPerSecond());
        assertTrue(net.frames.size() > 0);
    }
}
