#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The guest side of `make bench` (tests/qemu/run.sh --bench runs it in place
# of demo.sh): every program in /usr/lib/axon/bench.d/, on each device type.
rc=0
for b in /usr/lib/axon/bench.d/*; do
	[ -f "$b" ] && [ -x "$b" ] || continue
	for t in npu dsp; do
		echo "== $(basename "$b") $t"
		"$b" $t ${BENCH_RUNS:-500} || rc=1
	done
done
exit $rc
