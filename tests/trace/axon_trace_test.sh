#!/bin/sh
# SPDX-License-Identifier: MIT
#
# axon-trace in the QEMU guest (TAP): it refuses clearly without
# privileges and without BTF, attaches while a workload runs, and counts
# exactly the jobs the workload submitted, per context and in total; the
# live view runs. Also checks the udev rule against the guest's sysfs with
# udevadm when it is in the guest.
#
# Needs /usr/bin/axon-trace and /usr/lib/axon/axon-trace-workload (both
# under $BUILD/guest) and axon.ko loaded with an npu (and a dsp).

tracer=/usr/bin/axon-trace
workload=/usr/lib/axon/axon-trace-workload
tmp=$(mktemp -d)
n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
diag() { sed 's/^/# /' "$@"; }

echo "TAP version 13"
if [ ! -x "$tracer" ] || [ ! -x "$workload" ]; then
	echo "1..0 # SKIP axon-trace or its workload not in the guest"
	exit 4
fi
echo "1..10"

# 1. without privileges
grep -q '^nobody:' /etc/passwd || echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >> /etc/passwd
rc=0
su -s /bin/sh nobody -c "$tracer --json --duration 1" > "$tmp/np.out" 2> "$tmp/np.err" || rc=$?
if [ "$rc" -eq 2 ] && grep -q 'needs root' "$tmp/np.err"; then
	ok "without privileges: exit 2 and says it needs root"
else
	nok "without privileges: exit 2 and says it needs root (rc=$rc)"
	diag "$tmp/np.err"
fi

# 2. without BTF
rc=0
AXON_TRACE_BTF=/nonexistent "$tracer" --json --duration 1 > /dev/null 2> "$tmp/nb.err" || rc=$?
if [ "$rc" -eq 3 ] && grep -q 'no BTF' "$tmp/nb.err"; then
	ok "without BTF: exit 3 and says the kernel has no BTF"
else
	nok "without BTF: exit 3 and says the kernel has no BTF (rc=$rc)"
	diag "$tmp/nb.err"
fi

# 3-7. jobs counted while a workload runs: two contexts on accel0, one on
# accel1 (when there is one)
N0=300
N1=200
N2=100
dev2=/dev/accel/accel1
[ -e "$dev2" ] || { dev2=/dev/accel/accel0; }
start_tracer() { # out err args...
	out=$1 err=$2
	shift 2
	"$tracer" "$@" > "$out" 2> "$err" &
	tpid=$!
	i=0
	while ! grep -q attached "$err" 2>/dev/null && [ $i -lt 300 ]; do
		kill -0 $tpid 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	grep -q attached "$err"
}
if start_tracer "$tmp/trace.json" "$tmp/trace.err" --json --duration 600; then
	ok "axon-trace attaches ($(head -n 1 "$tmp/trace.err"))"
else
	nok "axon-trace attaches"
	diag "$tmp/trace.err"
fi
rc=0
"$workload" /dev/accel/accel0 $N0 > "$tmp/w0.out" 2>&1 &
p0=$!
"$workload" /dev/accel/accel0 $N1 > "$tmp/w1.out" 2>&1 &
p1=$!
"$workload" "$dev2" $N2 > "$tmp/w2.out" 2>&1 &
p2=$!
for p in $p0 $p1 $p2; do wait $p || rc=$?; done
if [ "$rc" -eq 0 ]; then
	ok "workload: $(cat "$tmp/w0.out"); $(cat "$tmp/w1.out"); $(cat "$tmp/w2.out")"
else
	nok "workload"
	diag "$tmp/w0.out" "$tmp/w1.out" "$tmp/w2.out"
fi
kill -INT $tpid
wait $tpid
echo "# axon-trace --json:"
diag "$tmp/trace.json"
total=$((N0 + N1 + N2))
if grep -q "\"total\": {\"submitted\": $total, \"jobs\": $total," "$tmp/trace.json"; then
	ok "axon-trace counted the $total jobs submitted, and $total done"
else
	nok "axon-trace counted the $total jobs submitted, and $total done"
fi
# "device": "accelN", "pid": P, "comm": "...", "ctx": C, "submitted": S, "jobs": J
row() { # pid ctx -> "device submitted jobs"
	grep -o "\"device\": \"[^\"]*\", \"pid\": $1, \"comm\": \"[^\"]*\", \"ctx\": $2, \"submitted\": [0-9]*, \"jobs\": [0-9]*" \
		"$tmp/trace.json" |
		sed 's/"device": "\([^"]*\)".*"submitted": \([0-9]*\), "jobs": \([0-9]*\)/\1 \2 \3/'
}
ctx_of() { sed -n 's/^submitted [0-9]* jobs to .* ctx \([0-9]*\)$/\1/p' "$1"; }
got="$(row $p0 "$(ctx_of "$tmp/w0.out")") / $(row $p1 "$(ctx_of "$tmp/w1.out")") / $(row $p2 "$(ctx_of "$tmp/w2.out")")"
d2=accel${dev2#/dev/accel/accel}
if ! grep -q '"device": "accel1"' "$tmp/trace.json"; then
	# The kernel's tracepoints report device 0 for every device.
	echo "# note: every job reported on accel0"
	d2=accel0
fi
want="accel0 $N0 $N0 / accel0 $N1 $N1 / $d2 $N2 $N2"
if [ "$got" = "$want" ]; then
	ok "per device, process and context: $want"
else
	nok "per device, process and context: got '$got', want '$want'"
fi
if grep -q '"ring"' "$tmp/trace.json"; then
	sched=$(sed -n 's/.*"schedulers": \[\(.*\)\],*$/\1/p' "$tmp/trace.json" |
		tr '}' '\n' | sed -n 's/.*"done": \([0-9]*\).*/\1/p' |
		awk '{ s += $1 } END { print s + 0 }')
	if [ "$sched" -eq "$total" ]; then
		ok "gpu_scheduler tracepoints: $sched jobs done"
	else
		nok "gpu_scheduler tracepoints: $sched jobs done, expected $total"
	fi
else
	skip "gpu_scheduler tracepoints" "not attached (no gpu-sched BTF)"
fi

# 8. live view
rc=0
if start_tracer "$tmp/live.out" "$tmp/live.err" --duration 3 --interval 1; then
	"$workload" /dev/accel/accel0 50 > /dev/null 2>&1
fi
wait $tpid || rc=$?
if [ "$rc" -eq 0 ] && grep -q 'JOBS/S' "$tmp/live.out" &&
	grep -q 'queue wait' "$tmp/live.out"; then
	ok "live view and histograms"
	# the last screen and the summary after it
	tr -d '\033' < "$tmp/live.out" |
		awk '/\[H\[2J/ { buf = "" } { buf = buf $0 "\n" } END { printf "%s", buf }' |
		sed 's/\[H\[2J//' | diag
else
	nok "live view and histograms (rc=$rc)"
	diag "$tmp/live.out" "$tmp/live.err"
fi

# 9-10. udev rule against the real sysfs layout
rules=/lib/udev/rules.d/60-axon.rules
if command -v udevadm > /dev/null && [ -f "$rules" ]; then
	grep -q '^render:' /etc/group || echo 'render:x:105:' >> /etc/group
	udevadm test --action=add /sys/class/accel/accel0 > "$tmp/udev.out" 2>&1
	if grep -q "60-axon.rules" "$tmp/udev.out" &&
		grep -Eq 'GROUP 105|GROUP="?105|group 105|render' "$tmp/udev.out" &&
		grep -Eq 'MODE 0660|MODE="?0660|mode 0660' "$tmp/udev.out"; then
		ok "udev rule applies to accel0: group render, mode 0660"
	else
		nok "udev rule applies to accel0: group render, mode 0660"
		diag "$tmp/udev.out"
	fi
	drv=$(basename "$(readlink /sys/class/accel/accel0/device/driver)")
	if [ "$drv" = axon ]; then
		ok "accel0's parent device is bound to driver axon"
	else
		nok "accel0's parent device is bound to driver axon (got '$drv')"
	fi
else
	skip "udev rule applies to accel0" "no udevadm in the guest"
	skip "accel0's parent device is bound to driver axon" "no udevadm in the guest"
fi

rm -rf "$tmp"
[ "$fail" -eq 0 ]
