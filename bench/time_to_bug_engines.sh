#!/bin/sh
# Time to the first finding, engine by engine (issue 14, acceptance 2):
# from an empty corpus, one fuzzer process at a time, stopping at the
# first finding of the bug's oracle, for four configurations side by side:
#   lf-asan    libFuzzer + ASan + UBSan      (mmfuzz-fuzzer)
#   lf-cov     libFuzzer, coverage only      (mmfuzz-fuzzer-cov)
#   afl        AFL++ with mmfuzz's mutator and interleaving feedback
#   afl-plain  AFL++ with neither (its own mutations, code coverage only:
#              MMFUZZ_AFL_NO_FEEDBACK=1)
# Seed by seed, the configurations interleaved, so that the machine's load
# falls on all of them alike. Each cell gives the seconds (wall) AND the
# executions to the finding (the target's own count: robust to load), then
# found/N and the medians (a seed that found nothing counts as the budget,
# and a median among those is printed as ">BUDGET").
#
#   bench/time_to_bug_engines.sh BUILD_DIR BUGS [SEEDS] [BUDGET_SECONDS]
#
# BUGS: comma-separated ids, or "all": B2 (v5.7 fork-isolation, the pipe
# read), B1 (v4.8 private-write), B3b (v5.10 pin-coherency, fixed by
# clear_refs.skip_pinned), B4a (v5.10 soft-dirty-lost, fixed by
# clear_refs.tlb=flush-pending), B7b (retry-error-draft lock-discipline).
# CONFIGS="lf-cov afl" runs only some. LF_FLAGS: libFuzzer's extra flags
# (default: those `mmfuzz fuzz` passes). KEEP=DIR keeps the logs.
set -eu
B=$(cd "$1" && pwd)
BUGS=$2
SEEDS=${3:-"1 2 3 4 5"}
BUDGET=${4:-300}
CONFIGS=${CONFIGS:-"lf-asan lf-cov afl afl-plain"}
LF_FLAGS=${LF_FLAGS:-"-entropic=0 -max_len=512 -timeout=10 -reload=0"}
# In memory, as a campaign's working corpus is (cli/campaign.c); BENCH_TMP=DIR elsewhere.
WORK=$(mktemp -d -p "${BENCH_TMP:-/dev/shm}" 2>/dev/null || mktemp -d)
trap 'rm -rf "$WORK"' EXIT
unset MMFUZZ_ONLY MMFUZZ_KNOWN MMFUZZ_HITS MMFUZZ_SET MMFUZZ_FIXED_BY MMFUZZ_WINDOW \
	MMFUZZ_WITH_OPS MMFUZZ_WITHOUT_OPS MMFUZZ_MUTE_ALL MMFUZZ_AFL_NO_FEEDBACK

# bug ID -> "PROFILE ORACLE[:KIND] [VAR=VALUE...]"
bug() {
	case $1 in
	B2) echo "v5.7 fork-isolation:pipe-read" ;;
	B1) echo "v4.8 private-write" ;;
	B3b) echo "v5.10 pin-coherency MMFUZZ_FIXED_BY=clear_refs.skip_pinned=yes" ;;
	B4a) echo "v5.10 soft-dirty-lost MMFUZZ_FIXED_BY=clear_refs.tlb=flush-pending" ;;
	B7b) echo "retry-error-draft lock-discipline" ;;
	*) echo "time_to_bug_engines: unknown bug '$1' (B1 B2 B3b B4a B7b)" >&2 && exit 2 ;;
	esac
}
[ "$BUGS" = all ] && BUGS="B2,B1,B3b,B4a,B7b"

now() { date +%s.%N; }
# with_env VAR=VALUE... -- COMMAND...: the command with those exported
with_env() {
	while [ "$1" != -- ]; do
		export "${1?}"
		shift
	done
	shift
	"$@"
}
# The first line of the report of the oracle wanted, in a log.
violation() { grep -m1 "^mmfuzz: VIOLATION $(echo "$1" | tr : ' ')[ ]" "$2" || true; }

# run_libfuzzer BINARY SEED -> "seconds execs" or "- execs" (in the bug's env)
run_libfuzzer() {
	rm -rf "$WORK/corpus" "$WORK/art" && mkdir "$WORK/corpus" "$WORK/art"
	t0=$(now)
	# shellcheck disable=SC2086
	setarch -R nice "$1" -seed="$2" -max_total_time="$BUDGET" $LF_FLAGS \
		-artifact_prefix="$WORK/art/" "$WORK/corpus" >"$WORK/log" 2>&1 || true
	t1=$(now)
	execs=$(sed -n 's/^mmfuzz: lock-latency execs \([0-9]*\) .*/\1/p' "$WORK/log" | tail -1)
	if [ -n "$(violation "$ORACLE" "$WORK/log")" ]; then
		echo "$(echo "$t1 - $t0" | bc) ${execs:-0}"
	else
		echo "- ${execs:-0}"
	fi
}

# run_afl SEED MUTATOR(yes|no) -> as run_libfuzzer
run_afl() {
	rm -rf "$WORK/in" "$WORK/out" "$WORK/counter" && mkdir "$WORK/in"
	printf '\002\000\000' >"$WORK/in/empty" # an empty program (INPUT_VERSION 2)
	if [ "$2" = yes ]; then
		set -- "$1" AFL_CUSTOM_MUTATOR_LIBRARY="$B/mmfuzz-afl-mutator.so" \
			AFL_CUSTOM_MUTATOR_ONLY=1
	else
		set -- "$1" MMFUZZ_AFL_NO_FEEDBACK=1
	fi
	seed=$1
	shift
	t0=$(now)
	env "$@" MMFUZZ_EXEC_COUNTER="$WORK/counter" AFL_BENCH_UNTIL_CRASH=1 AFL_DISABLE_TRIM=1 \
		AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_SKIP_CRASHES=1 \
		AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 ${EXTRA_AFL_ENV:-} \
		nice afl-fuzz -i "$WORK/in" -o "$WORK/out" -s "$seed" -V "$BUDGET" \
		-- "$B/mmfuzz-afl" >"$WORK/log" 2>&1 || true
	t1=$(now)
	execs=$(od -An -tu8 -N8 "$WORK/counter" 2>/dev/null | tr -d ' ')
	crash=$(ls "$WORK"/out/default/crashes/id:* 2>/dev/null | head -1)
	if [ -n "$crash" ] && "$B/mmfuzz-afl" "$crash" >"$WORK/replay" 2>&1; then :; fi
	if [ -n "$crash" ] && [ -n "$(violation "$ORACLE" "$WORK/replay")" ]; then
		echo "$(echo "$t1 - $t0" | bc) ${execs:-0}"
	else
		echo "- ${execs:-0}"
	fi
}

# median of "seconds" or "execs" column values, not-found as "-"
median() {
	echo "$@" | tr ' ' '\n' | grep . | sed 's/^-$/inf/' | sort -g |
		awk '{ a[NR] = $1 } END { m = a[int((NR + 1) / 2)]; print m == "inf" ? "-" : m }'
}

RESULTS=$WORK/results
: >"$RESULTS"
for id in $(echo "$BUGS" | tr , ' '); do
	# shellcheck disable=SC2046
	set -- $(bug "$id")
	PROFILE=$1 ORACLE=$2
	shift 2
	for s in $SEEDS; do
		for cfg in $CONFIGS; do
			case $cfg in
			lf-asan) r=$(with_env MMFUZZ_PROFILE="$PROFILE" MMFUZZ_ONLY="$ORACLE" "$@" -- \
				run_libfuzzer "$B/mmfuzz-fuzzer" "$s") ;;
			lf-cov) r=$(with_env MMFUZZ_PROFILE="$PROFILE" MMFUZZ_ONLY="$ORACLE" "$@" -- \
				run_libfuzzer "$B/mmfuzz-fuzzer-cov" "$s") ;;
			afl) r=$(with_env MMFUZZ_PROFILE="$PROFILE" MMFUZZ_ONLY="$ORACLE" "$@" -- \
				run_afl "$s" yes) ;;
			afl-plain) r=$(with_env MMFUZZ_PROFILE="$PROFILE" MMFUZZ_ONLY="$ORACLE" "$@" -- \
				run_afl "$s" no) ;;
			*) echo "time_to_bug_engines: unknown configuration '$cfg'" >&2 && exit 2 ;;
			esac
			secs=${r% *} execs=${r#* }
			printf '%-4s %-9s seed %-3s %8s s %10s execs\n' "$id" "$cfg" "$s" \
				"$([ "$secs" = - ] && echo ">$BUDGET" || printf '%.1f' "$secs")" \
				"$([ "$secs" = - ] && echo "($execs)" || echo "$execs")"
			echo "$id $cfg $secs $([ "$secs" = - ] && echo - || echo "$execs")" >>"$RESULTS"
			if [ -n "${KEEP:-}" ]; then
				mkdir -p "$KEEP" && cp "$WORK/log" "$KEEP/$id-$cfg-$s.log"
			fi
		done
	done
done

n=$(echo "$SEEDS" | wc -w)
echo
printf '%-4s %-9s %6s %12s %14s\n' bug config found "median s" "median execs"
for id in $(echo "$BUGS" | tr , ' '); do
	for cfg in $CONFIGS; do
		secs=$(awk -v b="$id" -v c="$cfg" '$1 == b && $2 == c { print $3 }' "$RESULTS")
		execs=$(awk -v b="$id" -v c="$cfg" '$1 == b && $2 == c { print $4 }' "$RESULTS")
		found=$(echo "$secs" | grep -vc '^-$' || true)
		ms=$(median $secs)
		me=$(median $execs)
		printf '%-4s %-9s %6s %12s %14s\n' "$id" "$cfg" "$found/$n" \
			"$([ "$ms" = - ] && echo ">$BUDGET" || printf '%.1f' "$ms")" \
			"$([ "$me" = - ] && echo "-" || echo "$me")"
	done
done
echo "(budget ${BUDGET}s per cell, one process at a time, nice'd; load at the end:" \
	"$(cut -d' ' -f1-3 /proc/loadavg))"
