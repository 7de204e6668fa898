-- Device models side by side: exits and cycles per packet under each profile, per capture and NIC model,
-- measured where `analyze` measures (each capture's `window` phase, else `workload`, else all of it).
-- Only exits on the NIC itself (not LAPIC or other devices) are counted; cycles per packet are NULL for a profile
-- whose exits are all priced at 0.
-- include: window.sql
WITH p AS (
    SELECT k.capture, count(*) AS packets FROM packets k
    WHERE NOT k.refused
      AND k.time_ns BETWEEN getvariable('trapline_window').starts[list_position(getvariable('trapline_window').names, k.capture)]
                        AND getvariable('trapline_window').ends[list_position(getvariable('trapline_window').names, k.capture)]
    GROUP BY k.capture
), x AS (
    SELECT e.capture, e.target AS model,
           count(*) FILTER (WHERE e.profile = 'tcg') AS tcg_exits,
           count(*) FILTER (WHERE e.profile = 'kvm') AS kvm_exits,
           count(*) FILTER (WHERE e.profile = 'kvm-vhost') AS vhost_exits,
           sum(e.cycles) FILTER (WHERE e.profile = 'kvm') AS kvm_cycles,
           sum(e.cycles) FILTER (WHERE e.profile = 'kvm-vhost') AS vhost_cycles
    FROM exits e
    WHERE e.device IS NOT NULL
      AND e.time_ns BETWEEN getvariable('trapline_window').starts[list_position(getvariable('trapline_window').names, e.capture)]
                        AND getvariable('trapline_window').ends[list_position(getvariable('trapline_window').names, e.capture)]
    GROUP BY e.capture, e.target
)
SELECT x.capture, x.model, p.packets,
       round(tcg_exits / p.packets, 3) AS tcg_per_packet,
       round(kvm_exits / p.packets, 3) AS kvm_per_packet,
       round(vhost_exits / p.packets, 3) AS vhost_per_packet,
       CASE WHEN kvm_exits > 0 AND kvm_cycles = 0 THEN NULL ELSE round(kvm_cycles / p.packets) END AS kvm_cycles_per_packet,
       CASE WHEN vhost_exits > 0 AND vhost_cycles = 0 THEN NULL ELSE round(vhost_cycles / p.packets) END AS vhost_cycles_per_packet
FROM x JOIN p USING (capture)
ORDER BY x.model, x.capture;
