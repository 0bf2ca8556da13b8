#!/bin/sh
# SPDX-License-Identifier: MIT
#
# make demo, in the guest: the PaddleOCR text-orientation classifier
# (ppocr_cls_qdq_u8, compiled by axonc for npu+dsp at build time) run with
# axon-run on the emulated npu and on the cpu backend, on its two test
# data sets: result, placement, latency, LSB difference against ONNX
# Runtime's reference, and cmp of the two outputs (and the sha256 of the
# host's cpu-backend output, computed at build time).
d=/usr/share/axon/demo
m=$d/ppocr_cls_qdq_u8.axb
rc=0
label() { case "$1" in 0) echo "0 degrees (upright)" ;; 1) echo "180 degrees (upside down)" ;; *) echo "class $1" ;; esac; }

echo "model: PaddleOCR text-line orientation classifier, uint8 QDQ ONNX ($(wc -c < /usr/share/axon/demo/ppocr_cls_qdq_u8.axb) byte package)"
for set in 0 1; do
	in=$d/test_data_set_$set/input_0.pb
	ref=$d/test_data_set_$set/output_0.pb
	for dev in npu cpu; do
		echo "---- test_data_set_$set: axon-run --device $dev"
		out=/tmp/out_${dev}_$set.pb
		if ! axon-run "$m" --device $dev --input "$in" --reference "$ref" \
			--output "$out" --runs 5 > /tmp/run.txt 2>&1; then
			cat /tmp/run.txt
			echo "demo: axon-run on $dev failed"
			rc=1
			continue
		fi
		cat /tmp/run.txt
		cls=$(sed -n 's/.*(argmax \([0-9]*\)).*/\1/p' /tmp/run.txt | head -n 1)
		echo "result    $(label "$cls")"
	done
	if cmp "/tmp/out_npu_$set.pb" "/tmp/out_cpu_$set.pb"; then
		echo "cmp: the npu and cpu-backend outputs are byte-identical"
	else
		echo "demo: npu and cpu outputs differ"
		rc=1
	fi
	guest=$(sha256sum < "/tmp/out_npu_$set.pb" | cut -d' ' -f1)
	host=$(cat "$d/host_cpu_$set.sha256" 2>/dev/null)
	if [ "$guest" = "$host" ]; then
		echo "sha256: npu in the guest = cpu backend on the host = $guest"
	else
		echo "demo: npu output sha256 $guest, host cpu backend $host"
		rc=1
	fi
done
exit $rc
