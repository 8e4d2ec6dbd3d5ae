# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash disable=SC2034 # globals shared with bench/run and the other files
# sparse: a few thousand random live hosts in a /15 (recall, precision, wall time); lossy:
# the same with random loss each way and every tool's own retries.
scenario_register sparse 40 "sparse: random live hosts; recall, precision, wall time" \
	"tool,rate,wall,wallx,pps,replies,recall,precision,dups,cpu,rss,drops" \
	"icmpsweep zmap masscan fping nmap"
scenario_register lossy 50 "lossy: sparse with random loss each way; each tool's own retries" \
	"tool,rate,wall,wallx,ppt,recall,rpp,precision,dups,cpu,rss,drops" \
	"icmpsweep zmap masscan fping nmap"
case $MODE in
full) SPARSE_NET=198.18.0.0/15 SPARSE_LIVE=4000 ;;
quick) SPARSE_NET=198.18.0.0/17 SPARSE_LIVE=1000 ;;
smoke) SPARSE_NET=198.18.0.0/20 SPARSE_LIVE=100 ;;
esac
[[ $MODE == smoke ]] && SWEEP_RATE=50000 || SWEEP_RATE=100000
LOSS_PCT=10    # each way
LOSSY_PROBES=3 # 2 retries
meta_line "sparse_net=$SPARSE_NET" "sparse_live=$SPARSE_LIVE" "sweep_rate=$SWEEP_RATE" \
	"loss_pct_each_way=$LOSS_PCT" "lossy_probes=$LOSSY_PROBES"

# sparse_setup: the live set (a fixed seed: the same hosts in every run) in the lab.
sparse_setup() {
	SWEEP=$SPARSE_NET TARGETS=$(net_size "$SPARSE_NET") TRUTH_CIDR='' NAMES_FILE=''
	TRUTH_FILE="$W/live.txt"
	lab_random_live_set "$SPARSE_LIVE" "$SPARSE_NET" "$TRUTH_FILE" 20251127
	lab_live_set "$TRUTH_FILE"
}

scenario_sparse() {
	lab_up sparse
	sparse_setup
	targets_files "$SWEEP" 1
	run_set sparse 1 "$SWEEP_RATE"
	lab_destroy
}

scenario_lossy() {
	lab_up lossy
	sparse_setup
	lab_loss "$LOSS_PCT"
	targets_files "$SWEEP" "$LOSSY_PROBES"
	run_set lossy "$LOSSY_PROBES" "$SWEEP_RATE"
	lab_destroy
}
