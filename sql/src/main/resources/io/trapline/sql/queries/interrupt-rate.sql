-- Interrupts per 100 ms of capture time (MSI messages and INTx assertions), per capture: the whole capture, boot included.
SELECT capture,
       (time_ns // 100000000) * 0.1 AS second,
       count(*) AS interrupts,
       count(*) FILTER (WHERE kind = 'msi') AS msi,
       count(*) FILTER (WHERE kind = 'intx') AS intx
FROM interrupts
WHERE kind = 'msi' OR level = 1
GROUP BY ALL
ORDER BY capture, second;
