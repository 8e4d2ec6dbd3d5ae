#!/usr/bin/env bash
# Installs what icmpsweep needs to build and test, from Debian's packages.  Idempotent: does
# nothing when everything is already there.
#
#   scripts/deps.sh            build and test
#   scripts/deps.sh --bench    also the bench's peers and what building zmap 4.x needs
set -euo pipefail

PKGS=(cmake gcc make pkg-config libpcap-dev libnet1-dev libsodium-dev libcmocka-dev
      libxdp-dev libbpf-dev iproute2 nftables python3 procps
      tshark tcpdump fping ieee-data
      libc-ares-dev dnsmasq-base)

# bench/run: the peers it compares against, its tools (clang for the XDP drop program,
# gnuplot, time), and the build dependencies of zmap 4.x (../shared/peers/README.md).
BENCH_PKGS=(zmap masscan nmap arp-scan gnuplot-nox time clang iputils-ping
            build-essential libgmp3-dev gengetopt flex byacc libjson-c-dev
            libunistring-dev libjudy-dev)
case ${1:-} in
--bench) PKGS+=("${BENCH_PKGS[@]}") ;;
"") ;;
*) echo "usage: scripts/deps.sh [--bench]" >&2; exit 2 ;;
esac

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
	if [[ $(id -u) -ne 0 ]]; then
		echo "deps: missing packages: ${missing[*]} (run as root, or apt-get install them)" >&2
		exit 1
	fi
	echo "deps: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
