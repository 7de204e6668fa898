#!/usr/bin/env python3
"""QEMU's own single-device replay, for comparison with `trapline replay`: feeds the e1000 interrupt-path
register sequence (ICR read, IMC write, STATUS read, IMS write, STATUS read) to QEMU's e1000 through the qtest
protocol (qemu-system-x86_64 -machine q35 -device e1000 -qtest stdio) and prints accesses per second.
The same sequence, recorded and replayed by trapline, is the register-only case of ReplayThroughput.

Usage: bench/qtest-compare.py [ACCESSES]   (needs qemu-system-x86_64: apt-get install qemu-system-x86)
"""
import subprocess
import sys
import time

ACCESSES = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
BAR0 = 0xFEBC0000
SLOT = 3  # -device e1000,addr=03.0


def config_address(reg):
    return 0x80000000 | (SLOT << 11) | reg


def main():
    qemu = subprocess.Popen(
        ["qemu-system-x86_64", "-machine", "q35", "-nodefaults", "-display", "none",
         "-netdev", "user,id=n0,restrict=on", "-device", f"e1000,netdev=n0,addr={SLOT:02x}.0",
         "-qtest", "stdio"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1 << 20)

    def send(lines):
        qemu.stdin.write("".join(lines))
        qemu.stdin.flush()
        for _ in lines:
            reply = qemu.stdout.readline()
            if not reply.startswith("OK"):
                raise SystemExit(f"qtest: unexpected reply {reply!r}")

    # Program BAR0 and enable memory decoding through PCI configuration mechanism #1 (ports 0xcf8/0xcfc).
    send([f"outl 0xcf8 {config_address(0x10):#x}\n", f"outl 0xcfc {BAR0:#x}\n",
          f"outl 0xcf8 {config_address(0x04):#x}\n", "outl 0xcfc 0x7\n"])
    sequence = [f"readl {BAR0 + 0xC0:#x}\n", f"writel {BAR0 + 0xD8:#x} 0xffffffff\n", f"readl {BAR0 + 0x8:#x}\n",
                f"writel {BAR0 + 0xD0:#x} 0x9d\n", f"readl {BAR0 + 0x8:#x}\n"]
    batch = sequence * 200
    done = 0
    start = time.perf_counter()
    while done < ACCESSES:
        send(batch)
        done += len(batch)
    elapsed = time.perf_counter() - start
    qemu.kill()  # qtest has no quit command
    qemu.wait(timeout=10)
    print(f"qtest (QEMU e1000, q35): {done:,} accesses in {elapsed:.2f} s: {done / elapsed:,.0f} accesses/s")


if __name__ == "__main__":
    main()
