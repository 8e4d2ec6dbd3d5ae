#!/usr/bin/env bash
# Installs what icmpsweep needs to build and test, from Debian's packages.  Idempotent: does
# nothing when everything is already there.
set -euo pipefail

PKGS=(cmake gcc make pkg-config libpcap-dev libnet1-dev libsodium-dev libcmocka-dev
      libxdp-dev libbpf-dev iproute2 nftables python3 procps
      tshark tcpdump fping ieee-data
      libc-ares-dev dnsmasq-base)

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
