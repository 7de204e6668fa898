package io.trapline.guest.workload;

import io.trapline.guest.http.Http;
import io.trapline.guest.http.HttpClient;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code keepalive}: every GET over one persistent connection, one at a time; {@code rr} is the same with
 * requests padded to the response size (request/response ping-pong).
 */
public class KeepAliveWorkload extends Workload {
    public static final String DEFAULT_REQUESTS = "1000x1024";

    private final List<RequestGroup> groups;
    private final boolean padRequests;
    private final List<Long> sizes = new ArrayList<>();
    private HttpClient client;
    private int next;
    private int current = -1;
    private boolean failed;

    public KeepAliveWorkload(WorkloadEnv env, List<RequestGroup> groups) {
        this(env, groups, false);
    }

    protected KeepAliveWorkload(WorkloadEnv env, List<RequestGroup> groups, boolean padRequests) {
        super(env);
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("no request groups");
        }
        this.groups = List.copyOf(groups);
        this.padRequests = padRequests;
        for (RequestGroup g : groups) {
            for (int i = 0; i < g.count(); i++) {
                sizes.add(g.size());
            }
        }
    }

    @Override
    public String name() {
        return "keepalive";
    }

    @Override
    protected void begin() {
        env.scheduler().after(env.profile().hostClientStartNs(), () -> {
            client = open(new HttpClient.Listener() {
                @Override
                public void response(HttpClient c, int status, long bodyBytes, boolean intact) {
                    requestDone(current, status, bodyBytes, intact);
                    failed |= status == 0;
                    if (failed || next == sizes.size()) {
                        c.close();
                    } else {
                        send();
                    }
                }

                @Override
                public void closed(HttpClient c, boolean reset) {
                    while (next < sizes.size()) {
                        requestDone(requestStarting("GET " + Http.FILE_PREFIX + sizes.get(next++)), 0, 0, false);
                    }
                    workDone();
                }
            });
            send();
        });
    }

    private void send() {
        long size = sizes.get(next++);
        String path = Http.FILE_PREFIX + size;
        current = requestStarting("GET " + path);
        client.get(path, true, padRequests ? (int) Math.min(size, Http.MAX_HEAD / 2) : 0);
    }
}
