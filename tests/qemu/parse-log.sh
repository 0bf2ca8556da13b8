#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Parse the serial log of a tests/qemu/run.sh boot.
#
#   tests/qemu/parse-log.sh MODE SERIAL_LOG      (MODE: test or demo)
#
# Prints the tests' TAP output in the kselftest runner's format (also written
# next to the log as kselftest.tap), a totals line
#   kselftest: N passed, N failed, N skipped (T tests in B binaries)
# and the kernel log problems found. Exits non-zero if a test failed, if no
# test ran (test mode), if the guest did not reach its end marker, if a
# module did not load or unload, or if the kernel log shows a warning.
set -euo pipefail

mode=${1:?usage: parse-log.sh MODE LOG}
log=${2:?usage: parse-log.sh MODE LOG}
[ -f "$log" ] || { echo "qemu: no log $log" >&2; exit 1; }
tap=$(dirname "$log")/kselftest.tap
fail=0

done_marker=0
grep -q '^@@AXON-QEMU DONE' "$log" && done_marker=1

# --- TAP ------------------------------------------------------------------
# Inside a TEST-BEGIN/TEST-END block the binary's own TAP lines are counted;
# a binary that exits non-zero without reporting a failure, stops short of
# its plan, times out or never ends counts as one failure.
if [ "$mode" = test ]; then
	awk -v tapfile="$tap" '
	function flush_block(name, rc,   msg, missing) {
		nbin++
		missing = (plan > 0 && res < plan) ? plan - res : 0
		if (missing > 0) {
			bfail += missing
			msg = msg "# " missing " of " plan " planned tests did not report\n"
		}
		if (rc == "none") {
			msg = msg "# did not finish (guest crashed or timed out)\n"
			if (bfail == 0) bfail = 1
		} else if (rc == 137 || rc == 124) {
			msg = msg "# killed by timeout (rc=" rc ")\n"
			if (bfail == 0) bfail = 1
		} else if (rc == 4 && res == 0) {
			bskip++
		} else if (rc != 0 && bfail == 0) {
			msg = msg "# exited with status " rc " without reporting a failure\n"
			bfail = 1
		}
		if (res == 0 && bfail == 0 && bskip == 0) {
			msg = msg "# reported no test result\n"
			bfail = 1
		}
		pass += bpass; failed += bfail; skip += bskip
		status = bfail ? "not ok" : "ok"
		extra = (!bfail && bpass == 0 && bskip > 0) ? " # SKIP" : ""
		body = body "# selftests: axon: " name "\n" buf msg
		body = body status " " nbin " selftests: axon: " name extra "\n"
	}
	/^@@AXON-QEMU TEST-BEGIN / {
		if (inblk) flush_block(cur, "none")
		cur = $3; inblk = 1; buf = ""; plan = 0; res = 0
		bpass = 0; bfail = 0; bskip = 0
		next
	}
	/^@@AXON-QEMU TEST-END / {
		if (!inblk) next
		rc = $4; sub(/^rc=/, "", rc)
		flush_block(cur, rc + 0); inblk = 0
		next
	}
	/^@@AXON-QEMU / {
		if (inblk) { flush_block(cur, "none"); inblk = 0 }
		next
	}
	inblk {
		buf = buf "  " $0 "\n"
		if ($0 ~ /^1\.\.[0-9]+/) { p = $0; sub(/^1\.\./, "", p); plan = p + 0 }
		else if ($0 ~ /^not ok [0-9]+/) {
			res++
			if ($0 ~ /# *[Ss][Kk][Ii][Pp]/) bskip++; else bfail++
		} else if ($0 ~ /^ok [0-9]+/) {
			res++
			if ($0 ~ /# *[Ss][Kk][Ii][Pp]/) bskip++; else bpass++
		}
	}
	END {
		if (inblk) flush_block(cur, "none")
		printf "TAP version 13\n1..%d\n%s", nbin, body > tapfile
		printf "TAP version 13\n1..%d\n%s", nbin, body
		printf "kselftest: %d passed, %d failed, %d skipped (%d tests in %d binaries)\n", \
			pass, failed, skip, pass + failed + skip, nbin
		print pass + failed + skip, failed, nbin + 0 > (tapfile ".counts")
	}' "$log"
	read -r total failed nbin < "$tap.counts"
	rm -f "$tap.counts"
	if [ "$total" -eq 0 ]; then
		echo "qemu: FAIL: no test ran"
		fail=1
	fi
	# A log cut short or overwritten by another run shows fewer binaries
	# than the harness put into the guest.
	if [ -n "${EXPECT_BINARIES:-}" ] && [ "$nbin" -ne "$EXPECT_BINARIES" ]; then
		echo "qemu: FAIL: $nbin test binaries reported, $EXPECT_BINARIES in the guest"
		fail=1
	fi
	[ "$failed" -eq 0 ] || fail=1
elif [ "$mode" = demo ]; then
	sed -n '/^@@AXON-QEMU DEMO-BEGIN/,/^@@AXON-QEMU DEMO-END/p' "$log" |
		grep -v '^@@AXON-QEMU'
	rc=$(sed -n 's/^@@AXON-QEMU DEMO-END rc=//p' "$log")
	if [ "${rc:-x}" != 0 ]; then
		echo "qemu: FAIL: demo exited with status ${rc:-none}"
		fail=1
	fi
fi

# --- modules --------------------------------------------------------------
while read -r _ what name rc _; do
	echo "qemu: FAIL: $what $name $rc"
	fail=1
done < <(grep -E '^@@AXON-QEMU (INSMOD|RMMOD) [^ ]+ rc=' "$log" | grep -v ' rc=0' || true)

# --- kernel log -----------------------------------------------------------
# The dmesg dump at the end holds the whole kernel log; a guest that never
# got there is scanned as a whole.
if [ "$done_marker" -eq 1 ]; then
	klog=$(sed -n '/^@@AXON-QEMU DMESG-BEGIN/,/^@@AXON-QEMU DMESG-END/p' "$log")
else
	klog=$(cat "$log")
	echo "qemu: FAIL: the guest did not reach its end marker (crash, hang or timeout); see $log"
	fail=1
fi
bad='WARNING:|BUG:|Oops|refcount_t|use-after-free|general protection'
bad="$bad|Call Trace|Kernel panic|kernel BUG|UBSAN|KASAN|KFENCE|kmemleak"
bad="$bad|list_(add|del) corruption|INFO: task .* blocked|rcu.*stall"
bad="$bad|possible circular locking|possible recursive locking|suspicious RCU usage"
bad="$bad|soft lockup|hard LOCKUP|not clean during takedown|leaked"
problems=$(printf '%s\n' "$klog" | grep -E "$bad" | grep -v '^@@AXON-QEMU' || true)
if [ -n "$problems" ]; then
	echo "qemu: FAIL: the kernel log shows problems:"
	printf '%s\n' "$problems" | head -n 40 | sed 's/^/  /'
	echo "qemu: full log: $log"
	fail=1
fi

if [ "$fail" -eq 0 ]; then
	echo "qemu: PASS"
else
	echo "qemu: FAIL (log: $log)"
fi
exit "$fail"
