#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Run the kernel's checkpatch.pl --strict on every source the kernel module
# is built from: kernel/*.[ch], uapi/**/*.h and firmware/**/*.[ch].
# Fails on any ERROR, WARNING or CHECK.
#
#   tools/checkpatch.sh [FILE...]     (default: all of the above)
#
# checkpatch.pl comes from Debian's linux-source-6.12, extracted into $KSRC
# by tools/extract-ksrc.sh (make ksrc).
#
# Each file is checked under the path it has in a kernel tree (see README):
#   kernel/X    -> drivers/accel/axon/X
#   firmware/X  -> drivers/accel/axon/firmware/X
#   uapi/X      -> include/uapi/X
# because several checks depend on the path: uapi headers must use __u32 &
# co. (include/uapi/ is exempt from "prefer u32"), .h files take /* */ SPDX
# comments, and so on. Messages are reported under the repository path.
set -euo pipefail

TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${BUILD:-$TOP/build}
KSRC=${KSRC:-$BUILD/linux-src}
checkpatch=$KSRC/scripts/checkpatch.pl

cd "$TOP"
if [ $# -gt 0 ]; then
	files=("$@")
else
	mapfile -t files < <({
		ls kernel/*.[ch] 2>/dev/null || true
		find uapi -name '*.h' 2>/dev/null || true
		find firmware -name '*.[ch]' 2>/dev/null || true
	} | sort -u)
fi
if [ ${#files[@]} -eq 0 ]; then
	echo "checkpatch: no kernel, uapi or firmware sources yet"
	exit 0
fi
if [ ! -x "$checkpatch" ] && [ ! -f "$checkpatch" ]; then
	echo "checkpatch: $checkpatch missing (run make ksrc)" >&2
	exit 1
fi

# Ignored message types; nothing else is. Each one only concerns a kernel
# tree checkout, not a driver kept out of tree:
#   FILE_PATH_CHANGES  "does MAINTAINERS need updating?" on added files
#                      (a patch-mode check; the out-of-tree driver has no
#                      MAINTAINERS entry)
#   GERRIT_CHANGE_ID, COMMIT_MESSAGE, COMMIT_LOG_LONG_LINE
#                      commit-message checks; -f checks files, not commits
ignore=FILE_PATH_CHANGES,GERRIT_CHANGE_ID,COMMIT_MESSAGE,COMMIT_LOG_LONG_LINE

tree=$BUILD/checkpatch
rm -rf "$tree"
declare -A orig=()
args=()
for f in "${files[@]}"; do
	case "$f" in
	kernel/*) t=drivers/accel/axon/${f#kernel/} ;;
	firmware/*) t=drivers/accel/axon/firmware/${f#firmware/} ;;
	uapi/*) t=include/uapi/${f#uapi/} ;;
	*) t=$f ;;
	esac
	mkdir -p "$tree/$(dirname "$t")"
	ln -sf "$TOP/$f" "$tree/$t"
	orig[$t]=$f
	args+=("$t")
done

log=$BUILD/checkpatch.log
rc=0
(cd "$tree" && perl "$checkpatch" --strict --no-tree --show-types \
	--ignore "$ignore" --no-summary --terse --color=never -f "${args[@]}") \
	> "$log.raw" 2>&1 || rc=$?
# Back to repository paths.
cp "$log.raw" "$log"
for t in "${!orig[@]}"; do
	sed -i "s|^$t:|${orig[$t]}:|" "$log"
done
rm -f "$log.raw"

n=$(grep -cE '^[^ ]+:[0-9]+: (ERROR|WARNING|CHECK):' "$log" || true)
if [ "$rc" -ne 0 ] || [ "$n" -ne 0 ]; then
	cat "$log"
	echo "checkpatch: $n problem(s) in ${#files[@]} files (log: $log)"
	exit 1
fi
echo "checkpatch: ${#files[@]} files clean (--strict)"
