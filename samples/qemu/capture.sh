#!/usr/bin/env bash
# Capture a real Linux guest driving a real NIC under QEMU, then import it into a trapline capture.
#
# Usage: samples/qemu/capture.sh NIC OUT [EXTRA_DEVICE_OPTIONS]
#   NIC   e1000 | virtio            (virtio = virtio-net-pci)
#   OUT   new directory: trace.log.xz, packets.pcap, phases.txt, qemu-cmdline.txt, console.txt,
#         workload-results.txt, and capture/ (the imported trapline capture)
#   EXTRA e.g. ",ioeventfd=off" or ",disable-legacy=on" appended to the -device option string
# Environment: SMALL (default 200) and LARGE (default 20): GETs of a 1 KiB page and of a LARGE_KIB (default 64) KiB
#   file, one connection each (SMALL=0 LARGE=8 LARGE_KIB=1024 is the embedded guest's `bulk --count 8 --size 1m`);
#   IDLE (default 3) seconds of idle before the workload; ACCEL (kvm|tcg, default: kvm if /dev/kvm works);
#   SYSCTL: guest sysctls set before httpd starts, e.g. SYSCTL="net.ipv4.tcp_autocorking=0 net.ipv4.tcp_min_tso_segs=8".
#
# What it does (Debian bookworm packages, as root; see README.md here):
#   1. installs qemu-system-x86, cpio and kmod if missing; downloads the kernel package that
#      linux-image-amd64 depends on and busybox-static with `apt-get download`, unpacks them with dpkg-deb -x;
#   2. builds an initramfs: busybox, the kernel's own virtio/e1000 modules (decompressed, loaded in
#      dependency order read from each module's depends= field) and an init script that configures
#      10.0.2.15, starts busybox httpd on port 80 and prints a ready marker once eth0 has carrier;
#   3. boots qemu-system-x86_64 with -netdev user,restrict=on and a host forward of 127.0.0.1:18080 only,
#      tracing the events of the shared captures (-trace events=... -D trace.log -msg timestamp=on) and
#      dumping the netdev's frames (filter-dump);
#   4. runs the workload from the host with curl against 127.0.0.1:18080, writing phase marks on the same
#      wall clock as the trace prefix (date +%s.%N);
#   5. after the window, saves the guest's TCP counters (/proc/net/netstat, /proc/net/snmp, served by a CGI)
#      as guest-tcp.txt; stops QEMU with SIGTERM and imports: trapline import qemu --trace --pcap --phases -o OUT/capture.
set -euo pipefail

nic=${1:?usage: capture.sh e1000|virtio OUT [EXTRA_DEVICE_OPTIONS]}
out=${2:?usage: capture.sh e1000|virtio OUT [EXTRA_DEVICE_OPTIONS]}
extra=${3:-}
small=${SMALL:-200}
large=${LARGE:-20}
large_kib=${LARGE_KIB:-64}
case "$large_kib" in ''|*[!0-9]*) echo "capture.sh: LARGE_KIB must be a whole number of KiB, got '$large_kib'" >&2; exit 2 ;; esac
idle=${IDLE:-3}
root=$(cd "$(dirname "$0")/../.." && pwd)
port=18080
mac=52:54:00:12:34:56

case "$nic" in
  e1000) device="e1000,netdev=n0,mac=$mac$extra" ;;
  virtio) device="virtio-net-pci,netdev=n0,mac=$mac$extra" ;;
  *) echo "capture.sh: NIC must be e1000 or virtio" >&2; exit 2 ;;
esac
if [ -e "$out" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ]; then
  echo "capture.sh: $out exists and is not empty" >&2; exit 2
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
build="$out/build"
mkdir -p "$build"
mark() { echo "$1 $(date +%s.%N)" >> "$out/phases.txt"; }

# ---- 1. packages
missing=()
command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
command -v cpio >/dev/null || missing+=(cpio)
command -v modinfo >/dev/null || missing+=(kmod)
command -v curl >/dev/null || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
kpkg=$(apt-cache depends linux-image-amd64 | sed -n 's/.*Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -1)
[ -n "$kpkg" ] || { echo "capture.sh: cannot find the kernel package behind linux-image-amd64" >&2; exit 2; }
(cd "$build" && apt-get download -q "$kpkg" busybox-static >/dev/null)
dpkg-deb -x "$build"/linux-image-*.deb "$build/kernel"
dpkg-deb -x "$build"/busybox-static_*.deb "$build/busybox"
kver=$(ls "$build/kernel/lib/modules")
vmlinuz="$build/kernel/boot/vmlinuz-$kver"

# ---- 2. initramfs
rd="$build/rd"
mkdir -p "$rd"/{bin,sbin,proc,sys,dev,tmp,www,lib/modules}
cp "$build/busybox/bin/busybox" "$rd/bin/busybox"
for a in sh mount insmod ip sleep cat echo httpd mkdir dd poweroff printf chmod; do ln -sf busybox "$rd/bin/$a"; done
moddir="$build/kernel/lib/modules/$kver/kernel"
# load order: each module after the ones its depends= field names
order=()
add_module() {
  local m=$1 f d
  for x in "${order[@]:-}"; do [ "$x" = "$m" ] && return 0; done
  f=$(find "$moddir" -name "$m.ko*" | head -1)
  [ -n "$f" ] || { echo "capture.sh: module $m not found" >&2; exit 2; }
  for d in $(modinfo -F depends "$f" | tr ',' ' '); do add_module "$d"; done
  order+=("$m")
}
if [ "$nic" = e1000 ]; then add_module e1000; else add_module virtio_pci; add_module virtio_net; fi
for m in "${order[@]}"; do
  f=$(find "$moddir" -name "$m.ko*" | head -1)
  case "$f" in
    *.xz) xz -dc "$f" > "$rd/lib/modules/$m.ko" ;;
    *.zst) zstd -dc "$f" > "$rd/lib/modules/$m.ko" ;;
    *) cp "$f" "$rd/lib/modules/$m.ko" ;;
  esac
done
{
  echo '#!/bin/sh'
  echo 'mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev'
  for m in "${order[@]}"; do echo "insmod /lib/modules/$m.ko"; done
  for kv in ${SYSCTL:-}; do
    case "$kv" in
      *=*) key=${kv%%=*}; echo "echo '${kv#*=}' > /proc/sys/${key//./\/}" ;;
      *) echo "capture.sh: SYSCTL items are name=value, got '$kv'" >&2; exit 2 ;;
    esac
  done
  echo "mkdir -p /www; dd if=/dev/zero bs=1024 count=$large_kib 2>/dev/null | tr '\\0' 'b' > /www/big"
  cat <<'INIT'
ip link set lo up
# A driver that refused the device leaves no eth0: say so at once instead of waiting for a carrier.
[ -e /sys/class/net/eth0 ] || { echo TRAPLINE-NO-NIC; while true; do sleep 3600; done; }
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
ip route add default via 10.0.2.2
dd if=/dev/zero bs=1024 count=1 2>/dev/null | tr '\0' 'a' > /www/index.html
mkdir -p /www/cgi-bin
printf '#!/bin/sh\necho "Content-Type: text/plain"\necho\ncat /proc/net/netstat /proc/net/snmp\n' > /www/cgi-bin/tcp
chmod +x /www/cgi-bin/tcp
httpd -p 80 -h /www
while [ "$(cat /sys/class/net/eth0/carrier 2>/dev/null)" != 1 ]; do sleep 1; done
echo TRAPLINE-READY
while true; do sleep 3600; done
INIT
} > "$rd/init"
ln -sf busybox "$rd/bin/tr"
chmod +x "$rd/init"
(cd "$rd" && find . | cpio -o -H newc --quiet | gzip -1) > "$build/initramfs.cpio.gz"

# ---- 3. boot
cat > "$build/events.txt" <<'EV'
memory_region_ops_read
memory_region_ops_write
kvm_run_exit
kvm_vm_ioctl
kvm_irqchip_*
kvm_set_ioeventfd_*
virtio_queue_notify
virtio_notify
virtio_notify_irqfd
virtqueue_pop
virtqueue_flush
virtio_set_status
virtio_pci_notify*
msix_write_config
e1000*
pci_cfg_read
pci_cfg_write
pci_update_mappings_*
apic_*
ioapic_*
pic_*
EV
accel=${ACCEL:-}
if [ -z "$accel" ]; then
  if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then accel=kvm; else accel=tcg; fi
fi
# boot_guest ACCEL TIMEOUT: starts QEMU; 0 once the guest printed its ready marker, 1 if not in time, 2 if the
# guest has no network interface (its kernel's driver did not take the device)
boot_guest() {
  local a=$1 limit=$2
  args=(qemu-system-x86_64 -accel "$a" -cpu qemu64 -m 256 -smp 1 -nographic -no-reboot
    -kernel "$vmlinuz" -initrd "$build/initramfs.cpio.gz" -append "console=ttyS0 quiet panic=-1"
    -serial "file:$out/console.txt" -monitor none
    -netdev "user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:$port-:80" -device "$device"
    -object "filter-dump,id=f0,netdev=n0,file=$out/packets.pcap"
    -msg timestamp=on -trace "events=$build/events.txt" -D "$out/trace.log")
  printf '%q ' "${args[@]}" > "$out/qemu-cmdline.txt"
  echo >> "$out/qemu-cmdline.txt"
  echo "capture.sh: booting $nic under $a" >&2
  : > "$out/phases.txt"
  rm -f "$out/console.txt" "$out/trace.log" "$out/packets.pcap"
  mark qemu_start
  "${args[@]}" </dev/null >"$build/qemu.out" 2>&1 &
  qpid=$!
  for _ in $(seq 1 "$limit"); do
    grep -q TRAPLINE-READY "$out/console.txt" 2>/dev/null && return 0
    if grep -q TRAPLINE-NO-NIC "$out/console.txt" 2>/dev/null; then
      kill $qpid 2>/dev/null || true
      wait $qpid 2>/dev/null || true
      return 2
    fi
    kill -0 $qpid 2>/dev/null || { cat "$build/qemu.out" >&2; return 1; }
    sleep 1
  done
  kill $qpid 2>/dev/null || true
  wait $qpid 2>/dev/null || true
  return 1
}
# boot ACCEL TIMEOUT: boot_guest, ending the script with one line when the guest has no NIC
boot() {
  local rc=0
  boot_guest "$1" "$2" || rc=$?
  if [ "$rc" = 2 ]; then
    why=$(grep -a -o -E '\[ *[0-9]+\.[0-9]+\] [^[:cntrl:]]*(virtio|e1000)[^[:cntrl:]]*' "$out/console.txt" | tail -n 1 || true)
    echo "capture.sh: the guest's kernel did not take the NIC (-device $device): no eth0${why:+; console.txt: $why}" >&2
    exit 1
  fi
  return "$rc"
}
trap 'kill $qpid 2>/dev/null || true' EXIT
qpid=
if [ "$accel" = kvm ] && ! boot kvm "${KVM_TIMEOUT:-90}"; then
  echo "capture.sh: the kernel did not come up under KVM; using TCG" >&2
  accel=tcg
  boot tcg 900 || { echo "capture.sh: guest not ready under TCG either" >&2; exit 1; }
elif [ "$accel" = tcg ]; then
  boot tcg 900 || { echo "capture.sh: guest not ready under TCG" >&2; exit 1; }
fi
echo "$accel" > "$out/accelerator.txt"
mark ready

# ---- 4. workload (host side, 127.0.0.1 only)
sleep 1
mark idle_start
sleep "$idle"
mark idle_end
: > "$out/workload-results.txt"
mark work_start
for i in $(seq 1 "$small"); do
  curl -s -o /dev/null -w '%{http_code} %{size_download}\n' "http://127.0.0.1:$port/index.html" >> "$out/workload-results.txt"
done
mark small_end
for i in $(seq 1 "$large"); do
  curl -s -o /dev/null -w '%{http_code} %{size_download}\n' "http://127.0.0.1:$port/big" >> "$out/workload-results.txt"
done
mark work_end
sleep 1
curl -s "http://127.0.0.1:$port/cgi-bin/tcp" > "$out/guest-tcp.txt" || true
sleep 1
mark quit_sent
kill -TERM $qpid
wait $qpid || true
trap - EXIT
mark qemu_exit

# ---- 5. import
ok=$(grep -c '^200 ' "$out/workload-results.txt" || true)
echo "capture.sh: $ok of $((small + large)) requests returned 200" >&2
xz -T1 -6 "$out/trace.log"
rm -rf "$build"
"$root/trapline" import qemu --trace "$out/trace.log.xz" --pcap "$out/packets.pcap" --phases "$out/phases.txt" \
  --qemu-version "$(qemu-system-x86_64 --version | sed -n 's/.*version \([0-9]*\.[0-9]*\).*/\1/p')" -o "$out/capture"
