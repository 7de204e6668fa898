#!/usr/bin/env python3
"""How a guest's TCP cut its responses: the PSH-delimited bursts of each server->client connection.

Usage: samples/qemu/tcp-bursts.py PCAP [--port 80] [--min-segments 30]

Prints one line per connection that sent at least --min-segments data segments: each burst as the
number of full-size segments, '+N' for a shorter last segment, separated by spaces. A PSH marks the
last segment of what the sender handed over in one go (Linux sets it on the skb it pushes); QEMU's
e1000 TSO adds an empty PSH segment after each TSO frame, which shows here as '0+0'.
Works on the shared captures' packets.pcap, on capture.sh output and on `trapline export --format pcap`.
"""
import argparse
import struct
import sys


def frames(path):
    with open(path, 'rb') as f:
        head = f.read(24)
        if len(head) < 24:
            sys.exit(f"tcp-bursts: {path}: not a pcap file (shorter than its header)")
        magic = head[:4]
        if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1'):
            order = '<'
        elif magic in (b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d'):
            order = '>'
        else:
            sys.exit(f"tcp-bursts: {path}: not a classic pcap file (magic {magic.hex()})")
        offset = 24
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            _, _, captured, _ = struct.unpack(order + 'IIII', rec)
            data = f.read(captured)
            if len(data) < captured:
                sys.exit(f"tcp-bursts: {path}: truncated record at offset {offset}")
            offset += 16 + captured
            yield data


def tcp_segment(frame):
    """(src port, dst port, payload length, flags) of an Ethernet/IPv4/TCP frame, else None."""
    if len(frame) < 54 or frame[12:14] != b'\x08\x00' or frame[23] != 6:
        return None
    ihl = (frame[14] & 0x0F) * 4
    total = struct.unpack('>H', frame[16:18])[0]
    tcp = 14 + ihl
    src, dst = struct.unpack('>HH', frame[tcp:tcp + 4])
    data_offset = (frame[tcp + 12] >> 4) * 4
    return src, dst, total - ihl - data_offset, frame[tcp + 13]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('pcap')
    ap.add_argument('--port', type=int, default=80, help='server port (default 80)')
    ap.add_argument('--min-segments', type=int, default=30, help='skip connections with fewer data segments')
    a = ap.parse_args()
    conns = {}
    for frame in frames(a.pcap):
        seg = tcp_segment(frame)
        if seg and seg[0] == a.port:
            conns.setdefault(seg[1], []).append(seg[2:])
    psh = 0x08
    for client, segs in conns.items():
        data = [s for s in segs if s[0] > 0]
        if len(data) < a.min_segments:
            continue
        mss = max(length for length, _ in data)
        bursts, full = [], 0
        for length, flags in segs:
            if length == 0 and not flags & psh:
                continue
            if length == mss:
                full += 1
            if flags & psh:
                bursts.append(f"{full}+{length}" if length != mss else str(full))
                full = 0
        if full:
            bursts.append(str(full))
        print(f"{client}: {' '.join(bursts)}")


if __name__ == '__main__':
    main()
