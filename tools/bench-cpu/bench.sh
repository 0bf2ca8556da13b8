#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# libaxon CPU backend latency (reference kernels vs fast kernels) against
# ONNX Runtime (onnxruntime-node from npm, 1 thread), in one script, with the
# measurements interleaved (axon ref, axon fast, ORT; repeated $ROUNDS
# times) and the median of the per-round medians reported. Also the peak
# RSS of each process (axon-run vs node + ORT). Not a test: prints a table.
#
#   tools/bench-cpu/bench.sh [CASE...]     (make bench-cpu)
#   env: ROUNDS (3), RUNS (fast kernels and ORT, 50), REF_RUNS (5),
#        BUILD, CASES (../shared/models/cases)
set -euo pipefail
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
CASES=${CASES:-$TOP/../shared/models/cases}
ROUNDS=${ROUNDS:-3}
RUNS=${RUNS:-50}
REF_RUNS=${REF_RUNS:-5}
OUT=$BUILD/bench-cpu
ORT=$BUILD/ort
HERE=$(cd "$(dirname "$0")" && pwd)
export LD_LIBRARY_PATH=$BUILD/runtime${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
mkdir -p "$OUT" "$ORT"

if [ ! -d "$ORT/node_modules/onnxruntime-node" ]; then
	echo "bench-cpu: installing onnxruntime-node into $ORT"
	[ -f "$ORT/package.json" ] || echo '{"name":"axon-bench-ort","private":true}' >"$ORT/package.json"
	(cd "$ORT" && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund onnxruntime-node >/dev/null)
fi
cp "$HERE/ort_bench.js" "$ORT/ort_bench.js"

cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(small_cnn_qdq_u8 mlp_qdq_u8 tiny_transformer_qdq_u8 mobilenet_v2_qdq_u8 ppocr_cls_qdq_u8)

med() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
axon() {	# mode runs axb input -> "median_ms maxrss_kb"
	local j rss
	j=$(AXON_CPU_KERNELS=$1 /usr/bin/time -f '%M' -o "$OUT/rss" "$BUILD/tools/axon-run" "$3" \
		--device cpu --input "$4" --runs "$2" --json)
	rss=$(cat "$OUT/rss")
	echo "$j" | python3 -c 'import json,sys; print(json.load(sys.stdin)["latency_us"]["median"] / 1000)' | tr '\n' ' '
	echo "$rss"
}

echo "bench-cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), 1 thread;" \
     "fast kernels: $(grep -qw avx512_vnni /proc/cpuinfo && echo 'AVX-512 VNNI' || echo 'not supported (= reference)')"
printf '%-24s %10s %10s %10s %9s %9s %8s %10s %10s\n' case axon_ref axon_fast ORT fast/ORT ref/ORT ref/fast RSS_axon RSS_ORT
printf '%-24s %10s %10s %10s %9s %9s %8s %10s %10s\n' '' ms ms ms '' '' '' MB MB
for c in "${cases[@]}"; do
	d=$CASES/$c
	axb=$OUT/$c.cpu.axb
	"$BUILD/compiler/axonc" "$d/model.onnx" -o "$axb" --target cpu -q
	in=$d/test_data_set_0/input_0.pb
	r_ref=() r_fast=() r_ort=() rss_a=0 rss_o=0
	for ((k = 0; k < ROUNDS; k++)); do
		read -r t m < <(axon ref "$REF_RUNS" "$axb" "$in")
		r_ref+=("$t")
		read -r t m < <(axon auto "$RUNS" "$axb" "$in")
		r_fast+=("$t")
		[ "$m" -gt "$rss_a" ] && rss_a=$m
		j=$(cd "$ORT" && node ort_bench.js "$d/model.onnx" "$RUNS" 5)
		read -r t m < <(echo "$j" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["median_ms"], d["maxrss_kb"])')
		r_ort+=("$t")
		[ "$m" -gt "$rss_o" ] && rss_o=$m
	done
	tr=$(printf '%s\n' "${r_ref[@]}" | med)
	tf=$(printf '%s\n' "${r_fast[@]}" | med)
	to=$(printf '%s\n' "${r_ort[@]}" | med)
	awk -v c="$c" -v r="$tr" -v f="$tf" -v o="$to" -v ra="$rss_a" -v ro="$rss_o" 'BEGIN {
		printf "%-24s %10.3f %10.3f %10.3f %9.2f %9.1f %8.1f %10.1f %10.1f\n", c, r, f, o, f / o, r / o, r / f, ra / 1024, ro / 1024 }'
done
