#!/usr/bin/env python3
"""Trim one shared QEMU run to the probe and workload phases, for samples/qemu-7.2-tcg/<run>/.

Usage: trim.py SOURCE_RUN_DIR DEST_DIR

Keeps, from SOURCE_RUN_DIR (trace.log.xz, packets.pcap, phases.txt, qemu-cmdline.txt):
  trace.log.xz    trace lines timed up to `ready` (boot, PCI enumeration, driver probe) and from
                  `work_start` to `work_end` + 0.5 s (the workload and the README's window, which
                  ends at work_end + 0.25 s); lines are copied byte for byte, xz -9e.
  packets.pcap.xz frames with pcap time from `work_start` - 2 s to `work_end` + 1 s. The pcap clock
                  lags the trace clock by 0.2-1.1 s in these runs, so this keeps every frame of the
                  window and the alignment anchor (the first frames of the workload).
  phases.txt, qemu-cmdline.txt  unchanged.
Only the Python 3 standard library is needed.
"""
import lzma
import shutil
import struct
import sys
from pathlib import Path


def ns(text):
    whole, _, frac = text.partition('.')
    return int(whole) * 10**9 + int((frac + '000000000')[:9])


def main(src, dst):
    src, dst = Path(src), Path(dst)
    dst.mkdir(parents=True, exist_ok=True)
    phases = {}
    for line in (src / 'phases.txt').read_text().splitlines():
        if line.strip():
            name, t = line.split()
            phases[name] = ns(t)
    ready, ws, we = phases['ready'], phases['work_start'], phases['work_end']

    kept = total = 0
    with lzma.open(src / 'trace.log.xz', 'rb') as fin, \
            lzma.open(dst / 'trace.log.xz', 'wb', preset=9 | lzma.PRESET_EXTREME) as fout:
        for line in fin:
            total += 1
            at = line.find(b'@')
            colon = line.find(b':', at)
            t = ns(line[at + 1:colon].decode())
            if t <= ready or ws <= t <= we + 500_000_000:
                fout.write(line)
                kept += 1

    frames = 0
    data = (src / 'packets.pcap').read_bytes()
    assert data[:4] == b'\xd4\xc3\xb2\xa1', 'expects a little-endian microsecond pcap'
    out = bytearray(data[:24])
    p = 24
    while p + 16 <= len(data):
        sec, usec, incl, _ = struct.unpack_from('<IIII', data, p)
        end = p + 16 + incl
        t = sec * 10**9 + usec * 1000
        if ws - 2 * 10**9 <= t <= we + 10**9:
            out += data[p:end]
            frames += 1
        p = end
    with lzma.open(dst / 'packets.pcap.xz', 'wb', preset=9 | lzma.PRESET_EXTREME) as f:
        f.write(out)

    for name in ('phases.txt', 'qemu-cmdline.txt'):
        shutil.copyfile(src / name, dst / name)
    print(f'{src.name}: kept {kept} of {total} trace lines, {frames} frames')


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
