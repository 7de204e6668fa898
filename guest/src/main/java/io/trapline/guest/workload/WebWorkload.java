package io.trapline.guest.workload;

import io.trapline.guest.http.Http;
import io.trapline.guest.http.HttpClient;

import java.util.List;

/**
 * {@code web}: groups of GETs, one TCP connection each, one after another, like the shared captures'
 * curl loop against busybox httpd (which closes after every response). Each request starts
 * {@link io.trapline.guest.platform.PlatformProfile#hostClientStartNs()} after the previous connection
 * finished (a new curl process). Each group is a phase named {@code COUNTxSIZE}; with more than one group
 * the end of the first is also marked {@code small_end}, as in the captures' phases.txt.
 */
public class WebWorkload extends Workload {
    private final List<RequestGroup> groups;
    private int group;
    private int inGroup;

    public WebWorkload(WorkloadEnv env, List<RequestGroup> groups) {
        super(env);
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("no request groups");
        }
        this.groups = List.copyOf(groups);
    }

    @Override
    public String name() {
        return "web";
    }

    public List<RequestGroup> groups() {
        return groups;
    }

    @Override
    protected void begin() {
        marks.phaseStart(env.scheduler().now(), groups.get(0).toString());
        env.scheduler().after(env.profile().hostClientStartNs(), this::next);
    }

    private void next() {
        RequestGroup g = groups.get(group);
        String path = Http.FILE_PREFIX + g.size();
        int index = requestStarting("GET " + path);
        HttpClient client = open(new HttpClient.Listener() {
            @Override
            public void response(HttpClient c, int status, long bodyBytes, boolean intact) {
                requestDone(index, status, bodyBytes, intact);
            }

            @Override
            public void closed(HttpClient c, boolean reset) {
                advance();
            }
        });
        client.get(path, false, 0);
    }

    private void advance() {
        long now = env.scheduler().now();
        if (++inGroup == groups.get(group).count()) {
            marks.phaseEnd(now, groups.get(group).toString());
            if (group == 0 && groups.size() > 1) {
                marks.mark(now, "small_end");
            }
            inGroup = 0;
            if (++group == groups.size()) {
                workDone();
                return;
            }
            marks.phaseStart(now, groups.get(group).toString());
        }
        env.scheduler().after(env.profile().hostClientStartNs(), this::next);
    }
}
