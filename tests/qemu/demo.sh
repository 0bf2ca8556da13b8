#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The guest side of `make demo` (run by /init from /usr/lib/axon/demo.sh):
# shows the emulated devices, their sysfs profile, then runs whatever demo
# parts the build dropped into the guest root:
#   axon-smi (if installed in the guest's PATH),
#   every executable in /usr/lib/axon/demo.d/, in name order.
# Exits non-zero if no device exists or a demo part fails.

rc=0
echo "== axon demo on $(uname -r), module parameters:"
for p in /sys/module/axon/parameters/*; do
	[ -r "$p" ] && echo "  $(basename "$p") = $(cat "$p")"
done

echo "== devices"
found=0
for dev in /dev/accel/accel*; do
	[ -e "$dev" ] || continue
	found=$((found + 1))
	n=$(basename "$dev")
	sys=/sys/class/accel/$n
	drv=?
	[ -e "$sys/device/driver" ] && drv=$(basename "$(readlink -f "$sys/device/driver")")
	echo "-- $dev (dev $(cat "$sys/dev" 2>/dev/null), driver $drv)"
	# The driver's attributes live on the accel node or on its parent device.
	for d in "$sys" "$sys/device"; do
		for a in "$d"/*; do
			[ -f "$a" ] && [ -r "$a" ] || continue
			case "$(basename "$a")" in
			uevent|dev|modalias|driver_override) continue ;;
			esac
			v=$(head -c 512 "$a" 2>/dev/null | tr '\n' ' ')
			[ -n "$v" ] && printf '  %-24s %s\n' "$(basename "$a")" "$v"
		done
	done
done
if [ "$found" -eq 0 ]; then
	echo "demo: no /dev/accel/accel* device (did axon.ko load?)"
	rc=1
fi

if command -v axon-smi >/dev/null 2>&1; then
	echo "== axon-smi"
	axon-smi || rc=1
fi

for part in /usr/lib/axon/demo.d/*; do
	[ -f "$part" ] && [ -x "$part" ] || continue
	echo "== $(basename "$part")"
	"$part" || { echo "demo: $(basename "$part") failed ($?)"; rc=1; }
done
exit $rc
