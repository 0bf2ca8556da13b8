#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Boot Debian's 6.12 kernel in QEMU (TCG) with the freshly built axon.ko,
# run the kselftests inside, collect their TAP output and check the kernel
# log for warnings.
#
#   tests/qemu/run.sh [--test NAME] [--demo] [--emulate LIST] [--keep]
#                     [--shell] [--verbose]
#
#   --test NAME     run only the kselftest binary NAME (make qemu-test T=NAME)
#   --demo          run tests/qemu/demo.sh instead of the kselftests
#   --bench         like --demo, with tests/runtime-guest/bench.sh (make bench)
#   --emulate LIST  axon.ko emulate= parameter (default npu,dsp,dpu)
#   --keep          keep the staged guest root in $BUILD/qemu/root
#   --shell         boot to an interactive shell after loading the modules
#                   (no timeout; leave with `poweroff -f` or Ctrl-A X)
#   --verbose       stream the serial console while the guest runs
#
# Environment (exported by the top Makefile; the same defaults apply when
# this script runs on its own):
#   TOP, BUILD, KVER, KDIR, KSRC
#   QEMU_TIMEOUT    host-side limit for the whole boot, seconds (900)
#   TEST_TIMEOUT    per test binary limit inside the guest, seconds (300)
#   QEMU_MEM, QEMU_SMP  guest memory and CPUs (2G, 2)
#   QEMU_APPEND     extra kernel command line, e.g. drm.debug=0x2 to get
#                   the driver's drm_dbg() reasons into the logged dmesg
#
# Guest layout:
#   /opt/axon/kselftest/   every executable of $BUILD/kselftest/
#   /lib/modules/$KVER/    kernel/: the distro modules the driver needs,
#                          extra/axon.ko (also in $AXON_KO), depmod'ed
#   /                      everything under $BUILD/guest/ (tools, libraries,
#                          models, /lib/firmware/axon, demo parts)
#   /usr/lib/axon/demo.sh  tests/qemu/demo.sh; it runs axon-smi if present
#                          and every executable in /usr/lib/axon/demo.d/
#
# Exit status: 0 when every test passed (or was skipped), at least one test
# ran, the guest reached the end marker and the kernel log is clean.
# Everything is logged to $BUILD/qemu/ (serial.log, qemu.err).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
TOP=${TOP:-$(cd "$here/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
KVER=${KVER:-$(ls -d /usr/src/linux-headers-6.12.*-amd64 2>/dev/null |
	sed 's|.*/linux-headers-||' | sort -V | tail -n 1)}
KDIR=${KDIR:-/lib/modules/$KVER/build}
KSRC=${KSRC:-$BUILD/linux-src}
QEMU_TIMEOUT=${QEMU_TIMEOUT:-900}
TEST_TIMEOUT=${TEST_TIMEOUT:-300}
QEMU_MEM=${QEMU_MEM:-2G}
QEMU_SMP=${QEMU_SMP:-2}

test_name=""
mode=test
emulate="npu,dsp,dpu"
keep=0
verbose=0
while [ $# -gt 0 ]; do
	case "$1" in
	--test) test_name=${2:?--test needs a name}; shift ;;
	--test=*) test_name=${1#--test=} ;;
	--demo) mode=demo ;;
	--bench) mode=demo; demo_sh=$TOP/tests/runtime-guest/bench.sh ;;
	--shell) mode=shell ;;
	--emulate) emulate=${2:?--emulate needs a list}; shift ;;
	--emulate=*) emulate=${1#--emulate=} ;;
	--keep) keep=1 ;;
	--verbose|-v) verbose=1 ;;
	-h|--help) sed -n '3,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "qemu: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
	shift
done

die() { echo "qemu: $*" >&2; exit 1; }

[ -n "$KVER" ] || die "no /usr/src/linux-headers-6.12.*-amd64 (run tools/install-deps.sh)"
kernel=/boot/vmlinuz-$KVER
moddir=/lib/modules/$KVER
[ -r "$kernel" ] || die "$kernel missing or unreadable (install linux-image-$KVER)"
[ -f "$moddir/modules.dep" ] || die "$moddir/modules.dep missing (install linux-image-$KVER)"
busybox=$(command -v busybox || true)
[ -n "$busybox" ] || die "busybox not found (install busybox-static)"
# The guest has no libc unless a test brings one: busybox must be static.
if ldd "$busybox" >/dev/null 2>&1; then
	[ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1 && busybox=/bin/busybox ||
		die "$busybox is dynamically linked (install busybox-static)"
fi
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found (install qemu-system-x86)"
command -v cpio >/dev/null || die "cpio not found"

axon_ko=$TOP/axon.ko
[ -f "$axon_ko" ] || die "$axon_ko not built (make modules)"

out=$BUILD/qemu
root=$out/root
modcache=$out/modules-$KVER
mkdir -p "$out"
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,run,etc,root,usr/bin,usr/sbin,usr/lib/axon/demo.d,opt/axon/kselftest}
mkdir -p "$root/lib/modules/$KVER/kernel" "$root/lib/modules/$KVER/extra"

# --- busybox -------------------------------------------------------------
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
	[ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done

# --- distro modules ------------------------------------------------------
# Load order: the dependency closure (modules.dep) of what the driver and
# the tests need, dependencies first. Modules built into this kernel
# (udmabuf, dma-heap, ...) are simply absent from modules.dep.
want="drm drm_kms_helper drm_shmem_helper gpu-sched drm_exec"
# Foreign DMA-buf exporters the tests import from, when modular (udmabuf
# and the system heap are bool options: built in or absent).
kconfig=/boot/config-$KVER
for opt in DRM_VGEM:vgem UDMABUF:udmabuf DMABUF_HEAPS_SYSTEM:system_heap; do
	grep -q "^CONFIG_${opt%%:*}=m" "$kconfig" 2>/dev/null && want="$want ${opt#*:}"
done
axon_deps=$(/sbin/modinfo -F depends "$axon_ko" 2>/dev/null | tr ',' ' ' || true)
want="$want $axon_deps"

# name -> path in modules.dep (module names treat - and _ alike)
modpath() {
	local n
	n=$(echo "$1" | sed 's/[-_]/[-_]/g')
	grep -E "(^|/)${n}\.ko(\.[a-z]+)?:" "$moddir/modules.dep" | head -n 1 | cut -d: -f1 || true
}
modname() { basename "$1" | sed -E 's/\.ko(\.[a-z]+)?$//'; }

declare -A seen=()
order=()
visit() { # depth-first: dependencies before the module itself
	local rel=$1 dep
	[ -n "${seen[$rel]:-}" ] && return 0
	seen[$rel]=1
	for dep in $(grep -E "^${rel//./\\.}:" "$moddir/modules.dep" | cut -d: -f2-); do
		visit "$dep"
	done
	order+=("$rel")
}
for m in $want; do
	rel=$(modpath "$m")
	if [ -n "$rel" ]; then
		visit "$rel"
	elif ! grep -qE "/$(echo "$m" | sed 's/[-_]/[-_]/g')\.ko" "$moddir/modules.builtin" 2>/dev/null; then
		echo "qemu: note: module $m is not available in $KVER" >&2
	fi
done

mkdir -p "$modcache"
: > "$root/etc/axon-modules"
for rel in "${order[@]}"; do
	name=$(modname "$rel")
	cached=$modcache/$name.ko
	src=$moddir/$rel
	if [ ! -f "$cached" ] || [ "$src" -nt "$cached" ]; then
		case "$src" in
		*.xz) xz -dc "$src" > "$cached.tmp" ;;
		*.zst) zstd -qdc "$src" > "$cached.tmp" ;;
		*.gz) gzip -dc "$src" > "$cached.tmp" ;;
		*) cp "$src" "$cached.tmp" ;;
		esac
		mv "$cached.tmp" "$cached"
	fi
	cp "$cached" "$root/lib/modules/$KVER/kernel/$name.ko"
	echo "$name" >> "$root/etc/axon-modules"
done
cp "$axon_ko" "$root/lib/modules/$KVER/extra/axon.ko"
# modules.dep & co. so modprobe and libkmod work in the guest too.
cp "$moddir"/modules.builtin* "$root/lib/modules/$KVER/" 2>/dev/null || true
/sbin/depmod -b "$root" "$KVER" 2>/dev/null || depmod -b "$root" "$KVER" ||
	echo "qemu: note: depmod failed; modprobe will not work in the guest" >&2

# --- tests, guest tree, demo --------------------------------------------
ntests=0
if [ -d "$BUILD/kselftest" ]; then
	while IFS= read -r -d '' f; do
		case "$f" in *.o|*.a|*.so|*.so.*|*.d|*.cmd) continue ;; esac
		cp "$f" "$root/opt/axon/kselftest/"
		ntests=$((ntests + 1))
	done < <(find "$BUILD/kselftest" -maxdepth 1 -type f -perm -u+x -print0 | sort -z)
fi
if [ -n "$test_name" ] && [ ! -x "$root/opt/axon/kselftest/$test_name" ]; then
	echo "qemu: no test binary '$test_name' in $BUILD/kselftest; available:" >&2
	ls "$root/opt/axon/kselftest" >&2
	exit 1
fi
[ -d "$BUILD/guest" ] && cp -a "$BUILD/guest/." "$root/"
cp "${demo_sh:-$here/demo.sh}" "$root/usr/lib/axon/demo.sh"
chmod +x "$root/usr/lib/axon/demo.sh"

# Shared libraries of every dynamically linked ELF file in the guest,
# including the dynamic loader, at the paths the host resolves them to.
copy_libs() {
	local f lib
	while IFS= read -r -d '' f; do
		head -c 4 "$f" 2>/dev/null | grep -q 'ELF' || continue
		case "$f" in *.ko) continue ;; esac
		ldd "$f" 2>/dev/null | grep -oE '/[^ ]+' || true
	done < <(find "$root" -type f \( -perm -u+x -o -name '*.so*' \) ! -name '*.ko' \
		-print0) | sort -u | while read -r lib; do
		[ -e "$root$lib" ] && continue
		[ -e "$lib" ] || continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}
copy_libs
# A loader cache so libraries dropped under $BUILD/guest are found too.
printf '%s\n' /usr/local/lib /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu \
	/usr/lib /lib > "$root/etc/ld.so.conf"
/sbin/ldconfig -r "$root" 2>/dev/null || ldconfig -r "$root" 2>/dev/null || true
echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"
echo "root:x:0:" > "$root/etc/group"

# --- /init ---------------------------------------------------------------
{
	cat <<-EOF
	#!/bin/sh
	# SPDX-License-Identifier: MIT
	# Generated by tests/qemu/run.sh
	KVER=$KVER
	MODE=$mode
	EMULATE=$emulate
	TEST_NAME=$test_name
	TEST_TIMEOUT=$TEST_TIMEOUT
	EOF
	cat "$here/init.sh"
} > "$root/init"
chmod +x "$root/init"

initrd=$out/initramfs.cpio
(cd "$root" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --owner=0:0 --quiet) > "$initrd.tmp"
mv "$initrd.tmp" "$initrd"
[ "$keep" -eq 1 ] || rm -rf "$root"

# --- boot ----------------------------------------------------------------
log=$out/serial.log
errlog=$out/qemu.err
# loglevel=4: only errors and worse reach the console while tests print;
# the full kernel log is dumped between markers at the end.
append="console=ttyS0 rdinit=/init panic=-1 loglevel=4 log_buf_len=8M"
append="$append nokaslr mitigations=off tsc=reliable edd=off ${QEMU_APPEND:-}"
qemu=(qemu-system-x86_64 -accel tcg -cpu max -m "$QEMU_MEM" -smp "$QEMU_SMP"
	-nographic -no-reboot -nic none -kernel "$kernel" -initrd "$initrd"
	-append "$append")

if [ "$mode" = shell ]; then
	exec "${qemu[@]}"
fi

echo "qemu: booting $KVER ($mode${test_name:+ $test_name}, emulate=$emulate," \
	"$ntests test binaries, initramfs $(( $(stat -c %s "$initrd") / 1024 / 1024 )) MiB)"
start=$(date +%s)
rc=0
if [ "$verbose" -eq 1 ]; then
	timeout --foreground -k 5 "$QEMU_TIMEOUT" "${qemu[@]}" </dev/null 2>"$errlog" |
		tr -d '\r' | tee "$log" || rc=$?
else
	timeout -k 5 "$QEMU_TIMEOUT" "${qemu[@]}" </dev/null 2>"$errlog" |
		tr -d '\r' > "$log" || rc=$?
fi
end=$(date +%s)
echo "qemu: guest ran $((end - start)) s (qemu rc=$rc); log: $log"

# The parser checks that every binary put into the guest reported.
expect=$ntests
[ -n "$test_name" ] && expect=1
EXPECT_BINARIES=$expect exec "$here/parse-log.sh" "$mode" "$log"
