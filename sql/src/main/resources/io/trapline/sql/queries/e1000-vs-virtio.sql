-- Device models side by side: exits and cycles per packet under each profile, per capture and NIC model.
-- Only exits on the NIC itself (not LAPIC or other devices) are counted.
WITH p AS (
    SELECT capture, count(*) AS packets FROM packets WHERE NOT refused GROUP BY capture
), x AS (
    SELECT capture, target AS model,
           count(*) FILTER (WHERE profile = 'tcg') AS tcg_exits,
           count(*) FILTER (WHERE profile = 'kvm') AS kvm_exits,
           count(*) FILTER (WHERE profile = 'kvm-vhost') AS vhost_exits,
           sum(cycles) FILTER (WHERE profile = 'kvm') AS kvm_cycles,
           sum(cycles) FILTER (WHERE profile = 'kvm-vhost') AS vhost_cycles
    FROM exits WHERE device IS NOT NULL GROUP BY capture, target
)
SELECT x.capture, x.model, p.packets,
       round(tcg_exits / p.packets, 3) AS tcg_per_packet,
       round(kvm_exits / p.packets, 3) AS kvm_per_packet,
       round(vhost_exits / p.packets, 3) AS vhost_per_packet,
       round(kvm_cycles / p.packets) AS kvm_cycles_per_packet,
       round(vhost_cycles / p.packets) AS vhost_cycles_per_packet
FROM x JOIN p USING (capture)
ORDER BY x.model, x.capture;
