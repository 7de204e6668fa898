-- Device models side by side: exits and cycles per packet under each profile, per capture and NIC model.
-- Measured where `analyze` measures (each capture's `window` phase, else `workload`, else all of it).
-- Only exits on the NIC itself (not LAPIC or other devices) are counted; cycles per packet are NULL for a profile
-- whose exits are all priced at 0, and every column of a profile the session does not price (--profile) is NULL.
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
), chosen AS ( -- the profiles the session prices (--profile): the others' columns are NULL, not 0
    SELECT bool_or(pr.profile = 'tcg') AS tcg, bool_or(pr.profile = 'kvm') AS kvm, bool_or(pr.profile = 'kvm-vhost') AS vhost
    FROM profiles pr
)
SELECT x.capture, x.model, p.packets,
       CASE WHEN chosen.tcg THEN round(tcg_exits / p.packets, 3) END AS tcg_per_packet,
       CASE WHEN chosen.kvm THEN round(kvm_exits / p.packets, 3) END AS kvm_per_packet,
       CASE WHEN chosen.vhost THEN round(vhost_exits / p.packets, 3) END AS vhost_per_packet,
       CASE WHEN NOT chosen.kvm OR (kvm_exits > 0 AND kvm_cycles = 0) THEN NULL ELSE round(kvm_cycles / p.packets) END AS kvm_cycles_per_packet,
       CASE WHEN NOT chosen.vhost OR (vhost_exits > 0 AND vhost_cycles = 0) THEN NULL ELSE round(vhost_cycles / p.packets) END AS vhost_cycles_per_packet
FROM x JOIN p USING (capture) CROSS JOIN chosen
ORDER BY x.model, x.capture;
