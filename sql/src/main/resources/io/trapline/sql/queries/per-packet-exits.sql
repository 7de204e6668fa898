-- Exits, cycles and interrupts per packet, for each capture and hypervisor profile (whole capture).
-- exits_per_packet counts every exit; attributed_per_packet only those the attribution rule gave a packet.
-- For speed on large captures: exits is grouped by its one small-integer capture_profile column, the names
-- joined from profiles (several times faster than grouping by the two text columns), and columns are
-- qualified, so that the session converts only the columns of each table the query reads.
WITH p AS (
    SELECT k.capture, count(*) AS packets FROM packets k WHERE NOT k.refused GROUP BY k.capture
), x AS (
    SELECT e.capture_profile, count(*) AS exits, count(e.packet) AS attributed, sum(e.cycles) AS cycles
    FROM exits e GROUP BY e.capture_profile
)
SELECT pr.capture, pr.profile, p.packets, x.exits,
       round(x.exits / p.packets, 3) AS exits_per_packet,
       round(x.attributed / p.packets, 3) AS attributed_per_packet,
       round(x.cycles / p.packets) AS cycles_per_packet
FROM x JOIN profiles pr ON pr.capture_profile = x.capture_profile JOIN p ON p.capture = pr.capture
ORDER BY pr.capture, pr.profile;
