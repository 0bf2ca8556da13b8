#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build axon.ko warning-free (-Werror, and no "warning:" line at all)
# against two kernels:
#   1. $KDIR: Debian 12's 6.12 headers on this machine (tools/install-deps.sh);
#   2. the newest kernel headers Debian publishes (suite $COMPAT_SUITE,
#      default sid), in a debootstrap chroot of that suite with its own gcc,
#      because its kbuild binaries need that suite's glibc.
# Each build runs in a copy of the module sources under $BUILD/compat/, so
# the tree's own `make modules` objects are left alone. The feature probes
# (kernel/compat/probes) run in each build; the script shows where the two
# kernels' answers differ.
#
# The chroot is cached in $BUILD/compat/<suite>-root (about 800 MiB, a few
# minutes to create on a fresh machine). Its package lists and headers are
# refreshed when older than $COMPAT_REFRESH_DAYS (7) days, or always with
# COMPAT_REFRESH=1; COMPAT_REFRESH=0 never refreshes an existing chroot. A
# failed refresh with headers already there is a note, not a failure.
# The mirror is the one this machine's apt uses for bookworm.
#
#   kernel/compat/compat-check.sh [--host-only|--newest-only]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
TOP=${TOP:-$(cd "$here/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
KVER=${KVER:-$(ls -d /usr/src/linux-headers-6.12.*-amd64 2>/dev/null |
	sed 's|.*/linux-headers-||' | sort -V | tail -n 1)}
KDIR=${KDIR:-/lib/modules/$KVER/build}
SUITE=${COMPAT_SUITE:-sid}
REFRESH_DAYS=${COMPAT_REFRESH_DAYS:-7}
JOBS=${COMPAT_JOBS:-2}
out=$BUILD/compat
root=$out/$SUITE-root

do_host=1 do_newest=1
case "${1:-}" in
--host-only) do_newest=0 ;;
--newest-only) do_host=0 ;;
"") ;;
*) echo "compat-check: unknown argument '$1'" >&2; exit 2 ;;
esac

die() { echo "compat-check: $*" >&2; exit 1; }
note() { echo "compat-check: $*" >&2; }
[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot)"
mkdir -p "$out"

# The module sources (what DKMS ships), as in the work tree.
stage() {
	rm -rf "$1"
	mkdir -p "$1"
	(cd "$TOP" && git ls-files -co --exclude-standard -- Kbuild kernel uapi firmware 2>/dev/null ||
		find Kbuild kernel uapi firmware -type f ! -name '*.o' ! -name '.*') |
		grep -vE '^firmware/(riscv|tools)/|\.(o|cmd|ko|mod)$' |
		(cd "$TOP" && tar -cf - -T -) | tar -C "$1" -xf -
}

# Fails on a build error or on any compiler/modpost warning.
check_log() { # name log
	if grep -E 'warning:|error:|WARNING:' "$2"; then
		die "$1: warnings or errors (log: $2)"
	fi
}

results=()

if [ "$do_host" -eq 1 ]; then
	[ -f "$KDIR/Makefile" ] || die "no kernel headers at $KDIR (run tools/install-deps.sh)"
	src=$out/src-$KVER
	stage "$src"
	log=$out/build-$KVER.log
	echo "compat-check: building against $KVER (host)"
	make -C "$KDIR" M="$src" -j"$JOBS" modules > "$log" 2>&1 ||
		{ tail -n 30 "$log"; die "$KVER: build failed (log: $log)"; }
	check_log "$KVER" "$log"
	[ -f "$src/axon.ko" ] || die "$KVER: no axon.ko"
	results+=("$KVER")
fi

mirror() {
	apt-cache policy 2>/dev/null |
		awk '$3 == "bookworm/main" && $2 ~ /^(http|https|file):/ { print $2; exit }'
}

in_root() { # a private mount and pid namespace with /proc (objtool needs it)
	unshare -m -p -f --mount-proc="$root/proc" chroot "$root" "$@"
}

apt_root() {
	in_root env DEBIAN_FRONTEND=noninteractive apt-get \
		-o Acquire::Check-Valid-Until=false -o APT::Install-Recommends=false \
		-qq "$@"
}

newest_root() {
	local stamp=$root/.axon-refreshed age refresh=0
	if [ ! -f "$root/.axon-ready" ]; then
		command -v debootstrap >/dev/null || die "debootstrap missing (tools/install-deps.sh)"
		local m
		m=$(mirror)
		[ -n "$m" ] || die "no bookworm mirror in apt's sources"
		note "creating a $SUITE chroot in $root from $m (once; a few minutes)"
		rm -rf "$root.tmp"
		debootstrap --variant=minbase --include=make,gcc,libc6-dev,ca-certificates \
			"$SUITE" "$root.tmp" "$m" > "$out/debootstrap.log" 2>&1 ||
			{ tail -n 20 "$out/debootstrap.log"; die "debootstrap $SUITE failed"; }
		rm -rf "$root"
		mv "$root.tmp" "$root"
		touch "$root/.axon-ready"
		refresh=1
	elif [ "${COMPAT_REFRESH:-}" = 1 ]; then
		refresh=1
	elif [ "${COMPAT_REFRESH:-}" != 0 ]; then
		age=$(( ($(date +%s) - $(stat -c %Y "$stamp" 2>/dev/null || echo 0)) / 86400 ))
		[ "$age" -lt "$REFRESH_DAYS" ] || refresh=1
	fi
	if [ "$refresh" -eq 1 ]; then
		note "refreshing the $SUITE kernel headers"
		if apt_root update > "$out/apt-$SUITE.log" 2>&1 &&
			apt_root install -y linux-headers-amd64 >> "$out/apt-$SUITE.log" 2>&1; then
			touch "$stamp"
			apt_root clean || true
		elif ls -d "$root"/usr/src/linux-headers-*-amd64 >/dev/null 2>&1; then
			note "refresh failed (see $out/apt-$SUITE.log); using the cached headers"
		else
			tail -n 20 "$out/apt-$SUITE.log"
			die "could not install $SUITE's linux-headers-amd64"
		fi
	fi
}

if [ "$do_newest" -eq 1 ]; then
	newest_root
	nkver=$(ls -d "$root"/usr/src/linux-headers-*-amd64 2>/dev/null |
		sed 's|.*/linux-headers-||' | sort -V | tail -n 1)
	[ -n "$nkver" ] || die "no linux-headers-*-amd64 in $root"
	src=$root/build/axon
	stage "$src"
	log=$out/build-$nkver.log
	echo "compat-check: building against $nkver ($SUITE chroot," \
		"$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\(.*\)"/\1/p' \
			"$root/usr/src/linux-headers-$nkver/.config"))"
	in_root make -C "/usr/src/linux-headers-$nkver" M=/build/axon -j"$JOBS" modules \
		> "$log" 2>&1 || { tail -n 30 "$log"; die "$nkver: build failed (log: $log)"; }
	check_log "$nkver" "$log"
	[ -f "$src/axon.ko" ] || die "$nkver: no axon.ko"
	results+=("$nkver")
	if [ "$do_host" -eq 1 ]; then
		echo "compat-check: probes whose answer differs ($KVER -> $nkver):"
		have() { grep -q "^#define $1 " "$2" && echo yes || echo no; }
		for name in $(grep -o 'AXON_HAVE_[A-Z0-9_]*' "$src/axon_compat_gen.h" | sort -u); do
			a=$(have "$name" "$out/src-$KVER/axon_compat_gen.h")
			b=$(have "$name" "$src/axon_compat_gen.h")
			[ "$a" = "$b" ] || printf '  %-40s %-3s -> %s\n' "$name" "$a" "$b"
		done
	fi
fi

echo "compat-check: axon.ko builds warning-free against: ${results[*]}"
