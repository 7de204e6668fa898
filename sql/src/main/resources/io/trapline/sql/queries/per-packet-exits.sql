-- Exits, cycles and interrupts per packet, for each capture and hypervisor profile (whole capture).
-- exits_per_packet counts every exit; attributed_per_packet only those the attribution rule gave a packet.
WITH p AS (
    SELECT capture, count(*) AS packets FROM packets WHERE NOT refused GROUP BY capture
), x AS (
    SELECT capture, profile, count(*) AS exits, count(packet) AS attributed, sum(cycles) AS cycles
    FROM exits GROUP BY capture, profile
)
SELECT x.capture, x.profile, p.packets, x.exits,
       round(x.exits / p.packets, 3) AS exits_per_packet,
       round(x.attributed / p.packets, 3) AS attributed_per_packet,
       round(x.cycles / p.packets) AS cycles_per_packet
FROM x JOIN p USING (capture)
ORDER BY x.capture, x.profile;
