#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Build the Debian packages (dpkg-buildpackage -b) and run lintian on them.
#
#   tools/debian/build-debs.sh        (make package)
#
# The repository keeps its debian/ directory here, in tools/debian/, so the
# top level stays as it is: this script stages a copy of the sources (the
# files git knows about plus new, non-ignored ones, as in the work tree)
# into $BUILD/package/axon-VERSION/, copies tools/debian/ in as debian/,
# and builds there. Results: $BUILD/package/*.deb, *.changes, lintian.log.
# Fails when dpkg-buildpackage fails or lintian reports an error (E:).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
TOP=${TOP:-$(cd "$here/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
out=$BUILD/package
version=$(dpkg-parsechangelog -l "$here/changelog" -S Version)
src=$out/axon-${version%%-*}

rm -rf "$out"
mkdir -p "$src"
cd "$TOP"
{ git ls-files -co --exclude-standard -- Makefile Kbuild README.md LICENSES.md \
	kernel uapi firmware runtime compiler tools 2>/dev/null ||
	find Makefile Kbuild README.md LICENSES.md kernel uapi firmware runtime \
		compiler tools -type f; } |
	grep -vE '^tools/debian/|\.(o|ko|a|cmd|mod)$' | tar -cf - -T - | tar -C "$src" -xf -
mkdir -p "$src/debian"
cp -a "$here"/. "$src/debian/"
rm -f "$src/debian/build-debs.sh"

echo "package: dpkg-buildpackage -b in $src"
cd "$src"
start=$(date +%s)
if ! DEB_BUILD_OPTIONS="nocheck parallel=2 ${DEB_BUILD_OPTIONS:-}" \
	dpkg-buildpackage -b -us -uc > "$out/build.log" 2>&1; then
	tail -n 40 "$out/build.log"
	echo "package: dpkg-buildpackage failed (log: $out/build.log)" >&2
	exit 1
fi
echo "package: built in $(( $(date +%s) - start )) s:"
cd "$out"
for d in *.deb; do
	printf '  %-44s %6s KiB  installed %6s KiB\n' "$d" $(( $(stat -c %s "$d") / 1024 )) \
		"$(dpkg-deb -f "$d" Installed-Size)"
done
changes=$(ls "$out"/*.changes | head -n 1)
lintian --no-tag-display-limit --info "$changes" > "$out/lintian.log" 2>&1 || true
errors=$(grep -c '^E:' "$out/lintian.log" || true)
warnings=$(grep -c '^W:' "$out/lintian.log" || true)
echo "package: lintian: $errors error(s), $warnings warning(s) (log: $out/lintian.log)"
if [ "$errors" -gt 0 ]; then
	grep '^E:' "$out/lintian.log"
	exit 1
fi
