#!/bin/sh
# SPDX-License-Identifier: MIT
# Extract the few kernel files axon uses at build time (kselftest harness,
# checkpatch) from Debian's linux-source-6.12 tarball. Never committed.
set -eu
dst=${1:?usage: extract-ksrc.sh DIR}
stamp="$dst/.extracted"
tarball=$(ls /usr/src/linux-source-6.12.tar.* 2>/dev/null | sort -V | tail -n 1)
[ -n "$tarball" ] || { echo "extract-ksrc: linux-source-6.12 is not installed (run tools/install-deps.sh)" >&2; exit 1; }
[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$tarball" ] && exit 0
mkdir -p "$dst"
tar -xf "$tarball" -C "$dst" --strip-components=1 --wildcards \
	'linux-source-6.12/tools/testing/selftests/kselftest*' \
	'linux-source-6.12/scripts/checkpatch.pl' \
	'linux-source-6.12/scripts/spelling.txt' \
	'linux-source-6.12/scripts/const_structs.checkpatch' \
	'linux-source-6.12/tools/include/*'
echo "$tarball" > "$stamp"
