#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Runs cmocka test binaries, shows their output, adds up cmocka's
# "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s)" lines and prints
# "unit: N passed, N failed". A binary that dies (sanitizer report, signal)
# without a FAILED line counts as one failure.
set -u
passed=0
failed=0
for t in "$@"; do
	echo "=== ${t##*/unit/}"
	log=$(mktemp)
	"$t" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
	rm -f "$log"
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "[  FAILED  ] ${t##*/}: exited with status $rc"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
done
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
