#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs the RISC-V firmware image test: run.sh TEST-BINARY IMAGE [-v]
# QEMU comes from $QEMU_RISCV64 or the PATH (Debian: qemu-system-misc).
set -eu
bin=$1
image=$2
shift 2
qemu=${QEMU_RISCV64:-qemu-system-riscv64}
if ! command -v "$qemu" >/dev/null 2>&1; then
	echo "riscv: $qemu not found (apt-get install qemu-system-misc, or make deps)" >&2
	echo "riscv: 0 passed, 1 failed"
	exit 1
fi
exec timeout 120 "$bin" --qemu "$qemu" --image "$image" "$@"
