#!/bin/sh
# SPDX-License-Identifier: MIT
# Install everything axon needs to build and test on Debian 12 (bookworm).
# Idempotent: when every package is already present it returns in well
# under a second without touching the network.
set -eu

PKGS="build-essential pkg-config cpio xz-utils zstd kmod bc perl
qemu-system-x86 qemu-system-misc busybox-static
libdrm-dev libcmocka-dev libkmod-dev
sparse clang llvm lld valgrind
gcc-riscv64-unknown-elf
protobuf-c-compiler libprotobuf-c-dev libonnx-dev libonnx-testdata
debootstrap debhelper dh-dkms dkms lintian fakeroot dpkg-dev
bpftool libbpf-dev libelf-dev zlib1g-dev"

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

missing() {
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

# The kernel QEMU boots and the module is built against: the newest 6.12
# header package in bookworm-security (the version moves, so look it up).
newest_headers() {
	apt-cache search --names-only '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' |
		awk '{print $1}' | sort -V | tail -n 1
}

have_kernel() {
	ls -d /usr/src/linux-headers-6.12.*-amd64 >/dev/null 2>&1 &&
		ls /usr/src/linux-source-6.12.tar.* >/dev/null 2>&1
}

todo=$(missing $PKGS)
if [ -z "$todo" ] && have_kernel; then
	exit 0
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
hdr=$(newest_headers)
if [ -z "$hdr" ]; then
	echo "install-deps: no linux-headers-6.12.*-amd64 in the apt sources" >&2
	echo "install-deps: enable bookworm-security and retry" >&2
	exit 1
fi
$SUDO apt-get install -y -qq --no-install-recommends $todo "$hdr" \
	"$(echo "$hdr" | sed 's/headers/image/')" linux-source-6.12 >/dev/null
echo "install-deps: installed $todo $hdr linux-source-6.12"
