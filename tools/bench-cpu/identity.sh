#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Bit-identity of the cpu backend's fast kernels on real models: every case
# of ../shared/models/cases (and tests/data/conformance when present),
# compiled with axonc for each target in $TARGETS, runs both data sets
# through libaxon's CPU backend with AXON_CPU_KERNELS=ref (firmware
# reference kernels) and with the fast kernels; the output files must be
# byte-identical. Prints one line per case and target; exits 1 on any
# difference.
#
#   tools/bench-cpu/identity.sh [CASE...]
set -uo pipefail
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
CASES=${CASES:-$TOP/../shared/models/cases}
TARGETS=${TARGETS:-"cpu npu+dsp"}
AXONC=$BUILD/compiler/axonc
RUN=$BUILD/tools/axon-run
OUT=$BUILD/bench-cpu/identity
export LD_LIBRARY_PATH=$BUILD/runtime${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
mkdir -p "$OUT"

if [ $# -gt 0 ]; then dirs=("$@"); else
	dirs=("$CASES"/*/)
	[ -d "$TOP/tests/data/conformance" ] && dirs+=("$TOP"/tests/data/conformance/*/)
fi
fail=0 n=0
for d in "${dirs[@]}"; do
	d=${d%/}
	[ -f "$d/model.onnx" ] || d=$CASES/$d
	[ -f "$d/model.onnx" ] || continue
	c=$(basename "$d")
	for t in $TARGETS; do
		axb=$OUT/$c.${t//+/_}.axb
		if ! "$AXONC" "$d/model.onnx" -o "$axb" --target "$t" -q >"$OUT/$c.log" 2>&1; then
			printf '%-28s %-8s compile failed (skipped)\n' "$c" "$t"
			continue
		fi
		res=identical
		for ds in "$d"/test_data_set_*; do
			[ -d "$ds" ] || continue
			k=${ds##*_}
			ins=("$ds"/input_*.pb)
			nout=$(ls "$ds"/output_*.pb | wc -l)
			outs_r=() outs_f=()
			for ((i = 0; i < nout; i++)); do
				outs_r+=("$OUT/$c.$k.$i.ref.pb")
				outs_f+=("$OUT/$c.$k.$i.fast.pb")
			done
			AXON_CPU_KERNELS=ref "$RUN" "$axb" --device cpu --input "${ins[@]}" \
				--output "${outs_r[@]}" >/dev/null 2>&1 || res="ref run failed"
			AXON_CPU_KERNELS=auto "$RUN" "$axb" --device cpu --input "${ins[@]}" \
				--output "${outs_f[@]}" >/dev/null 2>&1 || res="fast run failed"
			for ((i = 0; i < nout; i++)); do
				cmp -s "${outs_r[$i]}" "${outs_f[$i]}" || res="DIFFERENT (data set $k output $i)"
			done
		done
		n=$((n + 1))
		printf '%-28s %-8s %s\n' "$c" "$t" "$res"
		[ "$res" = identical ] || fail=1
	done
done
echo "identity: $n case/target pairs, $([ $fail = 0 ] && echo 'all byte-identical' || echo 'DIFFERENCES')"
exit $fail
