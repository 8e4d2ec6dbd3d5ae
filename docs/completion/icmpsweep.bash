# SPDX-License-Identifier: BSD-2-Clause
# bash completion for icmpsweep(1): options, formats, backends, interfaces, files.
# Installed as share/bash-completion/completions/icmpsweep (loaded on demand).

_icmpsweep()
{
	local cur prev
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}

	# icmpsweep diff [options] OLD NEW: its own options, then two result files.
	if [[ ${COMP_WORDS[1]-} == diff ]]; then
		case $prev in
		-O | --output-format)
			mapfile -t COMPREPLY < <(compgen -W "text csv json" -- "$cur")
			return
			;;
		--rtt-threshold)
			return # milliseconds
			;;
		--db)
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
			return
			;;
		esac
		if [[ $cur == -* ]]; then
			local diff_words="--output-format --output --rtt-threshold --db --help -O -o -h"
			mapfile -t COMPREPLY < <(compgen -W "$diff_words" -- "$cur")
		else
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		fi
		return
	fi

	# icmpsweep history --db FILE [ADDRESS|CIDR] | --runs.
	if [[ ${COMP_WORDS[1]-} == history ]]; then
		case $prev in
		-O | --output-format)
			mapfile -t COMPREPLY < <(compgen -W "text csv json" -- "$cur")
			return
			;;
		--db | -o | --output)
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
			return
			;;
		esac
		if [[ $cur == -* ]]; then
			local history_words="--db --runs --output-format --output --help -O -o -h"
			mapfile -t COMPREPLY < <(compgen -W "$history_words" -- "$cur")
		fi
		return
	fi

	# icmpsweep map [options] RESULTS -o FILE.png.
	if [[ ${COMP_WORDS[1]-} == map ]]; then
		case $prev in
		--map-by)
			mapfile -t COMPREPLY < <(compgen -W "alive rtt" -- "$cur")
			return
			;;
		esac
		if [[ $cur == -* ]]; then
			local map_words="--output --map-by --metadata --help -o -h"
			mapfile -t COMPREPLY < <(compgen -W "$map_words" -- "$cur")
		else
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		fi
		return
	fi

	# icmpsweep merge [options] FILE...: the shards' result and metadata files.
	if [[ ${COMP_WORDS[1]-} == merge ]]; then
		case $prev in
		-O | --output-format)
			mapfile -t COMPREPLY < <(compgen -W "text csv json xml" -- "$cur")
			return
			;;
		esac
		if [[ $cur == -* ]]; then
			local merge_words="--output-format --output --metadata --help -O -o -h"
			mapfile -t COMPREPLY < <(compgen -W "$merge_words" -- "$cur")
		else
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		fi
		return
	fi

	case $prev in
	-I | --input-file | -b | --exclude-file | -o | --output | -w | --write | --read | --metadata | --checkpoint | --resume | \
	--map | --db)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return
		;;
	--map-by)
		mapfile -t COMPREPLY < <(compgen -W "alive rtt" -- "$cur")
		return
		;;
	--iid)
		mapfile -t COMPREPLY < <(compgen -W "random ::1" -- "$cur")
		return
		;;
	--shard)
		mapfile -t COMPREPLY < <(compgen -W "auto 0/2 1/2 0/4 1/4 2/4 3/4" -- "$cur")
		return
		;;
	-f | --output-fields)
		local fields
		fields=$(icmpsweep --list-output-fields 2>/dev/null | awk '{print $1}')
		mapfile -t COMPREPLY < <(compgen -W "$fields" -- "${cur##*,}")
		if [[ $cur == *,* ]]; then
			COMPREPLY=("${COMPREPLY[@]/#/${cur%,*},}")
		fi
		return
		;;
	-O | --output-format)
		mapfile -t COMPREPLY < <(compgen -W "text csv json xml" -- "$cur")
		return
		;;
	--tx)
		mapfile -t COMPREPLY < <(compgen -W "auto xdp ring libnet socket" -- "$cur")
		return
		;;
	-i | --interface)
		mapfile -t COMPREPLY < <(compgen -W "$(ls /sys/class/net 2>/dev/null)" -- "$cur")
		return
		;;
	-c | --cooldown)
		mapfile -t COMPREPLY < <(compgen -W "auto auto:10 0 1 2 5" -- "$cur")
		return
		;;
	-T | --senders)
		mapfile -t COMPREPLY < <(compgen -W "auto $(seq 1 "$(nproc 2>/dev/null || echo 1)")" -- "$cur")
		return
		;;
	--user)
		mapfile -t COMPREPLY < <(compgen -u -- "$cur")
		return
		;;
	-x | --exclude | -r | --rate | -P | --probes | --seed | --ttl | --hop-limit | -S | --source | \
		-G | --gateway-mac | --resolver | --resolve-concurrency | --resolve-timeout | \
		--resolve-tries | --pcap-buffer | -C | --file-size | --max-results | --max-runtime | \
		--shards | --checkpoint-interval | --max-targets | --localnet-max)
		return # a value of the user's own
		;;
	esac

	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "--adaptive --arp-only --checkpoint --checkpoint-interval --resume --list-output-fields --max-results --max-runtime --max-targets --map --map-by --db --output-fields -f --cooldown --dry-run --exclude --exclude-file --file-size \
			--gateway-mac --help --hop-limit --iid --input-file --interface --localnet --localnet-max --metadata --no-arp --ipv6-multicast --no-ipv6-multicast --no-resolve \
			--no-validate --output --output-format --pcap-buffer --pcapng --probes --quiet \
			--rate --read --resolve-concurrency --resolve-timeout --resolve-tries --resolver \
			--seed --senders --shard --shards --source --trace-probes --ttl --tx --user --version --write -C \
			-G -I -O -P -S -T -V -b -c -h -i -l -n -o -q -r -w -x" -- "$cur")
	fi
}
complete -F _icmpsweep icmpsweep
