#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# axon.ko through DKMS, from this work tree.
#
#   tools/dkms.sh install [KVER...]  (make dkms-install) copy the module
#       sources to /usr/src/axon-VERSION, dkms add, build and install for
#       KVER (default: $KVER, the newest 6.12 headers, as `make modules`)
#   tools/dkms.sh remove             (make dkms-remove) dkms remove
#       --all and delete /usr/src/axon-VERSION
#   tools/dkms.sh check [KVER]       (make dkms-check) dkms add + build in
#       private trees under $BUILD/dkms (the system's DKMS state is not
#       touched) and check that axon.ko came out, and that a kernel
#       without CONFIG_DRM_ACCEL is skipped
#
# dkms.conf comes from tools/debian/axon-dkms.dkms (the same file the
# axon-dkms package ships); VERSION from tools/debian/changelog.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
TOP=${TOP:-$(cd "$here/.." && pwd)}
BUILD=${BUILD:-$TOP/build}
KVER=${KVER:-$(ls -d /usr/src/linux-headers-6.12.*-amd64 2>/dev/null |
	sed 's|.*/linux-headers-||' | sort -V | tail -n 1)}
version=$(dpkg-parsechangelog -l "$TOP/tools/debian/changelog" -S Version)
version=${version%%-*}

die() { echo "dkms: $*" >&2; exit 1; }
command -v dkms >/dev/null || die "dkms not installed (tools/install-deps.sh)"

# Module sources + dkms.conf into $1 (what the axon-dkms package ships).
stage() {
	local dst=$1
	rm -rf "$dst"
	mkdir -p "$dst"
	(cd "$TOP" && { git ls-files -co --exclude-standard -- Kbuild kernel uapi firmware \
		2>/dev/null || find Kbuild kernel uapi firmware -type f; } |
		grep -E '^(Kbuild|kernel/.*|uapi/.*|firmware/(Kbuild\.objs|[^/]*\.[ch]|include/.*))$' |
		tar -cf - -T -) | tar -C "$dst" -xf -
	sed "s/#MODULE_VERSION#/$version/" "$TOP/tools/debian/axon-dkms.dkms" > "$dst/dkms.conf"
}

cmd=${1:-}
shift || true
case "$cmd" in
install)
	[ "$(id -u)" -eq 0 ] || die "install needs root"
	[ $# -gt 0 ] || set -- "$KVER"
	if dkms status -m axon -v "$version" | grep -q .; then
		dkms remove -m axon -v "$version" --all
	fi
	stage "/usr/src/axon-$version"
	dkms add -m axon -v "$version"
	for k in "$@"; do
		dkms build -m axon -v "$version" -k "$k"
		dkms install -m axon -v "$version" -k "$k"
	done
	dkms status -m axon
	;;
remove)
	[ "$(id -u)" -eq 0 ] || die "remove needs root"
	if dkms status -m axon -v "$version" | grep -q .; then
		dkms remove -m axon -v "$version" --all
	fi
	rm -rf "/usr/src/axon-$version"
	echo "dkms: axon $version removed"
	;;
check)
	k=${1:-$KVER}
	[ -n "$k" ] || die "no kernel headers (KVER)"
	d=$BUILD/dkms
	rm -rf "$d"
	mkdir -p "$d/tree" "$d/install"
	stage "$d/src/axon-$version"
	opts=(--dkmstree "$d/tree" --sourcetree "$d/src" --installtree "$d/install")
	dkms add "${opts[@]}" -m axon -v "$version" > "$d/dkms.log" 2>&1 ||
		{ cat "$d/dkms.log"; die "dkms add failed"; }
	if ! dkms build "${opts[@]}" -m axon -v "$version" -k "$k" >> "$d/dkms.log" 2>&1; then
		cat "$d/dkms.log"
		cat "$d/tree/axon/$version/build/make.log" 2>/dev/null || true
		die "dkms build failed for $k"
	fi
	ko=$(find "$d/tree/axon/$version/$k" -name 'axon.ko*' | head -n 1)
	[ -n "$ko" ] || die "dkms build produced no axon.ko for $k"
	echo "dkms: dkms build $k: ${ko#"$d"/} ($(( $(stat -c %s "$ko") / 1024 )) KiB," \
		"vermagic $(/sbin/modinfo -F vermagic "$ko" | cut -d' ' -f1))"
	# A kernel without DRM accel (its .config minus CONFIG_DRM_ACCEL*)
	# is skipped: dkms exits 77 because of BUILD_EXCLUSIVE_CONFIG.
	mkdir -p "$d/noaccel"
	grep -v '^CONFIG_DRM_ACCEL' "/lib/modules/$k/build/.config" > "$d/noaccel/.config"
	rc=0
	dkms build "${opts[@]}" -m axon -v "$version" -k "$k-noaccel" \
		--kernelsourcedir "$d/noaccel" >> "$d/dkms.log" 2>&1 || rc=$?
	[ "$rc" -eq 77 ] || die "a kernel without CONFIG_DRM_ACCEL was not skipped (dkms rc $rc)"
	echo "dkms: a kernel without CONFIG_DRM_ACCEL is skipped (BUILD_EXCLUSIVE_CONFIG)"
	;;
*)
	sed -n '3,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
	exit 2
	;;
esac
