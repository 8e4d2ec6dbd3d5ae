#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# zmap4.sh SPEC CACHE_DIR: prints the path of a zmap 4.x binary, building it when needed.
#
# SPEC is what the user named with `bench/run --zmap PATH`, or empty for the default:
#   - a zmap binary (an executable file): used as it is;
#   - a zmap source tree (a directory with CMakeLists.txt and src/zmap.c): built once into
#     CACHE_DIR/<tree name>-<hash of its path>;
#   - a tarball of one (*.tar.gz): unpacked and built once into CACHE_DIR/<tarball name>;
#   - empty: ../shared/peers/zmap-4.3.4.tar.gz beside the project (or $ISW_PEERS_DIR), whose
#     sha256 is checked first.
# The build is `cmake -DCMAKE_BUILD_TYPE=Release` (the build notes of ../shared/peers); its
# log stays in the cache.  A cached binary is reused while it still prints its version.
# Exit status: 0 and the path on stdout, or 1 with the reason on stderr (bench/run then reports
# zmap 4.x as missing rather than failing).
set -euo pipefail

spec=${1:-}
cache=${2:?usage: zmap4.sh SPEC CACHE_DIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
ZMAP_TARBALL=zmap-4.3.4.tar.gz
ZMAP_SHA256=cdc516643e27fa6ecd3811576231856049aff5b91784f07aa0cd5f269d5b56f3

fail() { echo "zmap4: $*" >&2; exit 1; }

# An empty config file: zmap reads /etc/zmap/zmap.conf otherwise, and 4.x rejects the
# distribution's 2.x one (blacklist-file).
empty_conf=$(mktemp "${TMPDIR:-/tmp}/zmap4-conf.XXXXXX")
trap 'rm -f "$empty_conf"' EXIT
works() { [[ -x $1 ]] && timeout 10 "$1" --config="$empty_conf" --version >/dev/null 2>&1; }

build_tree() { # build_tree SRC OUT: Release build of the tree SRC in OUT; prints the binary
	local src=$1 out=$2
	if works "$out/build/src/zmap"; then
		echo "$out/build/src/zmap"
		return 0
	fi
	[[ -f $src/CMakeLists.txt && -f $src/src/zmap.c ]] || fail "$src is not a zmap source tree"
	mkdir -p "$out"
	echo "zmap4: building $src in $out/build (about a minute on two cores)" >&2
	# RESPECT_INSTALL_PREFIX_CONFIG: otherwise zmap's configure step rewrites the system's
	# /etc/zmap/zmap.conf for 4.x (blacklist-file -> blocklist-file), which breaks the
	# distribution's zmap 2.x.  bench/run gives both zmaps their own empty config anyway.
	if ! { timeout 600 cmake -S "$src" -B "$out/build" -DCMAKE_BUILD_TYPE=Release \
		-DRESPECT_INSTALL_PREFIX_CONFIG=ON -DCMAKE_INSTALL_PREFIX="$out/prefix" &&
		timeout 900 cmake --build "$out/build" -j "$(nproc)"; } >"$out/build.log" 2>&1; then
		tail -n 15 "$out/build.log" >&2
		fail "building zmap from $src failed (log: $out/build.log; build deps: scripts/deps.sh --bench)"
	fi
	works "$out/build/src/zmap" || fail "the zmap built from $src does not run"
	echo "$out/build/src/zmap"
}

from_tarball() { # from_tarball FILE [SHA256]
	local tb=$1 sum=${2:-} name out
	name=$(basename "$tb" .tar.gz)
	out="$cache/$name"
	if works "$out/build/src/zmap"; then
		echo "$out/build/src/zmap"
		return 0
	fi
	if [[ -n $sum ]]; then
		[[ $(sha256sum "$tb" | cut -d' ' -f1) == "$sum" ]] || fail "$tb: sha256 mismatch"
	fi
	rm -rf "$out/src"
	mkdir -p "$out/src"
	tar -xzf "$tb" -C "$out/src" || fail "cannot unpack $tb"
	local top
	top=$(find "$out/src" -mindepth 1 -maxdepth 2 -name CMakeLists.txt -printf '%h\n' | head -n1)
	[[ -n $top ]] || fail "$tb holds no CMakeLists.txt"
	build_tree "$top" "$out"
}

if [[ -n $spec ]]; then
	if [[ -f $spec && -x $spec ]]; then
		works "$spec" || fail "$spec does not run (--version)"
		echo "$(cd "$(dirname "$spec")" && pwd)/$(basename "$spec")"
	elif [[ -d $spec ]]; then
		src=$(cd "$spec" && pwd)
		build_tree "$src" "$cache/$(basename "$src")-$(echo "$src" | sha256sum | cut -c1-8)"
	elif [[ -f $spec && $spec == *.tar.gz ]]; then
		from_tarball "$spec"
	else
		fail "--zmap $spec: neither a zmap binary, a source tree nor a .tar.gz"
	fi
	exit 0
fi

for d in ${ISW_PEERS_DIR:+"$ISW_PEERS_DIR"} "$root/../shared/peers" "$root/../../shared/peers"; do
	if [[ -f $d/$ZMAP_TARBALL ]]; then
		from_tarball "$d/$ZMAP_TARBALL" "$ZMAP_SHA256"
		exit 0
	fi
done
fail "no $ZMAP_TARBALL in ../shared/peers (or \$ISW_PEERS_DIR); name one with --zmap PATH"
