#!/usr/bin/env python3
"""Workload-window counts of an imported QEMU capture, as in ../../shared/captures/qemu-7.2-tcg/README.md.

Usage: trapline inspect --format json CAPTURE | samples/qemu/window-counts.py

Window: the importer's `window` phase (work_start .. work_end + 0.25 s, inclusive; mark address = exact
epoch ns, minus clock origin). Definitions as in docs/capture-format.md "Counting definitions": NIC
reads/writes = mmio_* + pio_* of device 0; kicks; NIC interrupts = msi of device 0 + intx asserts; packets
= frame_rx / frame_tx; exits = exit events; LAPIC = other_* in region apic-msi.
"""
import json
import sys

events = [json.loads(line) for line in sys.stdin if line.startswith('{')]
marks = {(e['name'], e['value']): e for e in events if e['type'] == 'mark'}
start, end = marks.get(('window', 1)), marks.get(('window', 2))
if not start or not end:
    sys.exit('no window phase marks: import with --phases')
origin = start['address'] - start['time_ns'] if start['time_ns'] > 0 else None
lo = start['time_ns']
hi = end['address'] - (start['address'] - lo)
c = dict(rx=0, tx=0, reads=0, writes=0, kicks=0, msi=0, intx=0, exits=0, lapic=0)
for e in events:
    if not lo <= e['time_ns'] <= hi:
        continue
    t, dev = e['type'], e['device']
    if t in ('mmio_read', 'pio_read'):
        c['reads'] += 1
    elif t in ('mmio_write', 'pio_write'):
        c['writes'] += 1
    elif t == 'kick' and dev == 0:
        c['kicks'] += 1
    elif t == 'msi' and dev == 0:
        c['msi'] += 1
    elif t == 'intx' and dev == 0 and e['value'] == 1:
        c['intx'] += 1
    elif t == 'frame_rx':
        c['rx'] += 1
    elif t == 'frame_tx':
        c['tx'] += 1
    elif t == 'exit':
        c['exits'] += 1
    elif t in ('other_read', 'other_write') and e.get('region_name') == 'apic-msi':
        c['lapic'] += 1
packets = c['rx'] + c['tx']
irqs = c['msi'] + c['intx']
nic = c['reads'] + c['writes'] + c['kicks']
print(f"packets {packets} (rx {c['rx']} / tx {c['tx']}), NIC reads {c['reads']}, writes {c['writes']}, "
      f"kicks {c['kicks']}, NIC IRQs {irqs} (msi {c['msi']}, intx {c['intx']}), exits {c['exits']}, "
      f"LAPIC accesses {c['lapic']}")
if packets:
    print(f"NIC accesses/packet {nic / packets:.2f}, IRQ/packet {irqs / packets:.2f}, "
          f"NIC accesses/request {nic / 220:.1f} (220 requests)")
