#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# make package-check: build the Debian packages (tools/debian/build-debs.sh,
# lintian without errors), DKMS-build axon.ko from this tree against the
# 6.12 headers (tools/dkms.sh check), then install the packages into a
# Debian 12 chroot and run their autopkgtest smoke test
# (tools/debian/tests/smoke, TAP) there.
#
# The chroot (debootstrap bookworm minbase + gcc, pkg-config) is cached in
# $BUILD/package-root/bookworm-root, with the packages apt fetched for it;
# the axon packages are purged again after the test, so it stays clean.
# The mirror is the one this machine's apt uses for bookworm.
#
#   tests/package/run.sh [--no-build]   (--no-build: use $BUILD/package)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
TOP=${TOP:-$(cd "$here/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
pkgdir=$BUILD/package
root=$BUILD/package-root/bookworm-root

die() { echo "package-check: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot)"

if [ "${1:-}" != "--no-build" ]; then
	"$TOP/tools/debian/build-debs.sh"
fi
ls "$pkgdir"/*.deb >/dev/null 2>&1 || die "no packages in $pkgdir"
"$TOP/tools/dkms.sh" check

if [ ! -f "$root/.axon-ready" ]; then
	mirror=$(apt-cache policy 2>/dev/null |
		awk '$3 == "bookworm/main" && $2 ~ /^(http|https|file):/ { print $2; exit }')
	[ -n "$mirror" ] || die "no bookworm mirror in apt's sources"
	echo "package-check: creating a bookworm chroot in $root (once)"
	rm -rf "$root.tmp"
	mkdir -p "$(dirname "$root")"
	debootstrap --variant=minbase --include=gcc,libc6-dev,pkg-config \
		bookworm "$root.tmp" "$mirror" > "$BUILD/package-root/debootstrap.log" 2>&1 ||
		{ tail -n 20 "$BUILD/package-root/debootstrap.log"; die "debootstrap failed"; }
	# apt in the chroot uses the same sources as this machine.
	if [ -f /etc/apt/sources.list.d/debian.sources ]; then
		cp /etc/apt/sources.list.d/debian.sources "$root.tmp/etc/apt/sources.list.d/"
		rm -f "$root.tmp/etc/apt/sources.list"
	elif [ -f /etc/apt/sources.list ]; then
		cp /etc/apt/sources.list "$root.tmp/etc/apt/sources.list"
	fi
	rm -rf "$root"
	mv "$root.tmp" "$root"
	touch "$root/.axon-ready"
fi

in_root() {
	unshare -m -p -f --mount-proc="$root/proc" chroot "$root" \
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive "$@"
}

pkgs="axon-dkms axon-tools axon-firmware libaxon0 libaxon-dev"
rm -rf "$root/tmp/axon"
mkdir -p "$root/tmp/axon"
cp "$pkgdir"/*.deb "$TOP/tools/debian/tests/smoke" "$root/tmp/axon/"
rm -f "$root"/tmp/axon/*-dbgsym_*.deb
log=$BUILD/package-root/install.log
echo "package-check: installing $(ls "$root"/tmp/axon/*.deb | wc -l) packages into the chroot"
if ! in_root sh -c 'apt-get -qq update && apt-get install -y --no-install-recommends \
	-o Dpkg::Use-Pty=0 /tmp/axon/*.deb' > "$log" 2>&1; then
	tail -n 30 "$log"
	die "installing the packages failed (log: $log)"
fi
rc=0
in_root sh -c 'mkdir -p /tmp/axon/t && AUTOPKGTEST_TMP=/tmp/axon/t sh /tmp/axon/smoke' || rc=$?
in_root apt-get purge -y -qq $pkgs >> "$log" 2>&1 || echo "package-check: note: purge failed (log: $log)"
rm -rf "$root/tmp/axon"
[ "$rc" -eq 0 ] || die "smoke test failed"
echo "package-check: packages build, install and pass their smoke test"
