#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Installs what icmpsweep needs to build and test, from Debian's packages.  Idempotent: does
# nothing when everything is already there.
#
#   scripts/deps.sh           build, unit, e2e, sanitizer and fuzz builds (what CI runs)
#   scripts/deps.sh --bench   and the peers and tools of the benchmark harness (bench/)
#
# Every command a test calls is here: CI runs the e2e tests with ISW_E2E_STRICT=1, where a
# missing command fails the test instead of skipping it.
set -euo pipefail

# Build: compiler, libraries, cmocka.
PKGS=(cmake gcc make pkg-config libpcap-dev libnet1-dev libsodium-dev libcmocka-dev
      libxdp-dev libbpf-dev libc-ares-dev
      # --map: cairo draws the PNG.
      libcairo2-dev
      # --db, history, diff --db: SQLite (and its shell, for the tests' checks).
      libsqlite3-dev sqlite3
      # Sanitizer builds and libFuzzer harnesses (clang, its runtimes, llvm-symbolizer).
      clang libclang-rt-dev llvm
      # The e2e tests: namespaces and veths (iproute2), loss and filters (nftables),
      # sysctl (procps), offloads and queues (ethtool), trace checks (tshark, tcpdump, fping),
      # JSON and CSV checks (python3, jq), a resolver in the lab (dnsmasq), MAC vendors.
      iproute2 nftables procps ethtool python3 jq tshark tcpdump fping dnsmasq-base
      ieee-data
      # -O xml and diff: the XML checked against nmap.dtd (xmllint, nmap-common) and read by
      # nmap's ndiff.
      libxml2-utils nmap-common ndiff
      # The documentation tests: the man page rendered without warnings.
      groff-base
      # The package test: cpack's dependency list, the capabilities of the post-install.
      dpkg-dev libcap2-bin
      # e2e.slurm: a single-machine Slurm cluster (tests/lab/slurm.sh; its own munged).
      slurm-wlm slurmctld slurmd slurm-client munge
      # k8s.manifests: deploy/k8s checked against the API's types (python3-kubernetes).
      python3-kubernetes python3-yaml)
# bench/run, bench/dns-bench.sh: the peers it compares against, its tools (gnuplot, time,
# dnsperf, ping), and the build dependencies of zmap 4.x (../shared/peers/README.md).
BENCH_PKGS=(zmap masscan nmap arp-scan time gnuplot-nox dnsperf iputils-ping
            build-essential libgmp3-dev gengetopt flex byacc libjson-c-dev
            libunistring-dev libjudy-dev)

case "${1:-}" in
"") ;;
--bench) PKGS+=("${BENCH_PKGS[@]}") ;;
*)
	echo "usage: $0 [--bench]" >&2
	exit 2
	;;
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
	# munge and slurmd would start their system services on install; the tests run their
	# own daemons and want none left running.  Without a policy-rc.d already in place, one
	# that refuses every start stands in for the install and goes afterwards.
	if [[ ! -e /usr/sbin/policy-rc.d ]]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 0755 /usr/sbin/policy-rc.d
		trap 'rm -f /usr/sbin/policy-rc.d' EXIT
	fi
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
