# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash disable=SC2034 # globals shared with bench/run and the other files
# dense: every address of a /16 answers: recall and wall time at rising rates.
scenario_register dense 30 "dense: every address of the /16 answers; recall and wall time by requested rate" \
	"tool,rate,wall,wallx,pps,replies,recall,precision,dups,cpu,rss,drops"
case $MODE in
full) DENSE_NET=198.18.0.0/16 DENSE_RATES=(100000 400000 0) ;;
quick) DENSE_NET=198.18.0.0/16 DENSE_RATES=(100000 0) ;;
smoke) DENSE_NET=198.18.0.0/20 DENSE_RATES=(50000) ;;
esac
meta_line "dense_net=$DENSE_NET" "dense_rates=${DENSE_RATES[*]}"

scenario_dense() {
	lab_up dense
	SWEEP=$DENSE_NET TARGETS=$(net_size "$DENSE_NET") TRUTH_FILE='' TRUTH_CIDR=$DENSE_NET NAMES_FILE=''
	lab_all_alive "$DENSE_NET"
	targets_files "$SWEEP" 1
	run_set dense 1 "${DENSE_RATES[@]}"
	lab_destroy
}
