#!/bin/sh
# SPDX-License-Identifier: MIT
# Totals of a `make check` log: every suite's own "NAME: N passed, N failed"
# line, then their sum as one closing line. Exits non-zero if a suite
# failed or if no suite reported.
set -eu
log=${1:?usage: check-summary.sh LOG}
awk '
/^(unit|conformance|riscv|kselftest): [0-9]+ passed, [0-9]+ failed/ {
	line[$1] = $0; p[$1] = $2; f[$1] = $4 + 0
}
/^# [0-9]+ passed, [0-9]+ failed/ && /passed/ {
	# the Debian package smoke test (tests/package)
	line["package:"] = "package: " $2 " passed, " $4 " failed"
	p["package:"] = $2; f["package:"] = $4 + 0
}
END {
	n = split("unit: conformance: riscv: kselftest: package:", order, " ")
	for (i = 1; i <= n; i++) {
		k = order[i]
		if (!(k in p)) { print "check: " k " reported no totals"; bad = 1; continue }
		print "  " line[k]
		tp += p[k]; tf += f[k]
	}
	printf "check: %d passed, %d failed\n", tp, tf
	exit (bad || tf) ? 1 : 0
}' "$log"
