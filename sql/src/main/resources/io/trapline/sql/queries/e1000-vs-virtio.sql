-- Device models side by side: exits and cycles per packet under each profile, per capture and NIC model,
-- measured where `analyze` measures (each capture's `window` phase, else `workload`, else all of it).
-- Only exits on the NIC itself (not LAPIC or other devices) are counted. Cycles are NULL where a profile's exits
-- are all priced at 0, as in `analyze`.
WITH w AS (
    SELECT c.capture,
           coalesce(min(h.start_ns) FILTER (WHERE h.name = 'window'), min(h.start_ns) FILTER (WHERE h.name = 'workload'),
                    -9223372036854775808) AS start_ns,
           coalesce(max(h.end_ns) FILTER (WHERE h.name = 'window'), max(h.end_ns) FILTER (WHERE h.name = 'workload'),
                    9223372036854775807) AS end_ns
    FROM (SELECT DISTINCT pr.capture FROM profiles pr) c
    LEFT JOIN phases h ON h.capture = c.capture AND h.kind = 'phase' AND h.name IN ('window', 'workload')
    GROUP BY c.capture
), p AS (
    SELECT k.capture, count(*) AS packets FROM packets k JOIN w ON w.capture = k.capture
    WHERE NOT k.refused AND k.time_ns BETWEEN w.start_ns AND w.end_ns GROUP BY k.capture
), x AS (
    SELECT e.capture, e.target AS model,
           count(*) FILTER (WHERE e.profile = 'tcg') AS tcg_exits,
           count(*) FILTER (WHERE e.profile = 'kvm') AS kvm_exits,
           count(*) FILTER (WHERE e.profile = 'kvm-vhost') AS vhost_exits,
           sum(e.cycles) FILTER (WHERE e.profile = 'kvm') AS kvm_cycles,
           sum(e.cycles) FILTER (WHERE e.profile = 'kvm-vhost') AS vhost_cycles
    FROM exits e JOIN w ON w.capture = e.capture
    WHERE e.device IS NOT NULL AND e.time_ns BETWEEN w.start_ns AND w.end_ns GROUP BY e.capture, e.target
)
SELECT x.capture, x.model, p.packets,
       round(tcg_exits / p.packets, 3) AS tcg_per_packet,
       round(kvm_exits / p.packets, 3) AS kvm_per_packet,
       round(vhost_exits / p.packets, 3) AS vhost_per_packet,
       CASE WHEN kvm_exits > 0 AND kvm_cycles = 0 THEN NULL ELSE round(kvm_cycles / p.packets) END AS kvm_cycles_per_packet,
       CASE WHEN vhost_exits > 0 AND vhost_cycles = 0 THEN NULL ELSE round(vhost_cycles / p.packets) END
           AS vhost_cycles_per_packet
FROM x JOIN p USING (capture)
ORDER BY x.model, x.capture;
