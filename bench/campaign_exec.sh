#!/bin/sh
# Campaign throughput beside the model's own (issue 14, acceptance 3):
# each fuzzing build runs SECONDS on a fixed corpus (corpus/seeds, compiled)
# with a fixed seed, on v5.7 and on latest, and prints its executions and
# model steps per second beside bench_exec's (the plain model on its
# fixed scenario, measured in the same run, just before), with the ratio.
#
#   bench/campaign_exec.sh BUILD_DIR [SECONDS] [SEED] [PROFILES]
#
# The builds: libFuzzer + ASan + UBSan (mmfuzz-fuzzer), libFuzzer coverage
# only (mmfuzz-fuzzer-cov), AFL++ with mmfuzz's mutator and interleaving
# feedback (mmfuzz-afl, mmfuzz-afl-mutator.so), each one process on one
# core. Findings are muted (MMFUZZ_MUTE_ALL=1): the fuzzer never stops at
# one, so the figure is the engine's steady rate, not a campaign's
# restarts. Fuzzed programs run about twice bench_exec's steps per
# execution, so steps/s is the fairer ratio of the two. Rates are per
# second of CPU time (user + system, the fuzzer's and its children's, from
# /usr/bin/time), bench_exec's too, so that a loaded machine slows both
# alike; every run is nice'd.
# LF_FLAGS: libFuzzer's flags (default: those `mmfuzz fuzz` passes);
# EXTRA_AFL_ENV="VAR=VALUE ...": more environment for afl-fuzz.
set -eu
B=$(cd "$1" && pwd)
SECONDS_EACH=${2:-10}
SEED=${3:-1}
PROFILES=${4:-"v5.7 latest"}
LF_FLAGS=${LF_FLAGS:-"-entropic=0 -max_len=512 -timeout=10 -reload=0"}
SRC=$(cd "$(dirname "$0")/.." && pwd)
# In memory, as a campaign's working corpus is (cli/campaign.c); BENCH_TMP=DIR elsewhere.
WORK=$(mktemp -d -p "${BENCH_TMP:-/dev/shm}" 2>/dev/null || mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export MMFUZZ_MUTE_ALL=1 MMFUZZ_STEPS=1
unset MMFUZZ_ONLY MMFUZZ_KNOWN MMFUZZ_HITS MMFUZZ_SET MMFUZZ_FIXED_BY MMFUZZ_WINDOW

mkdir "$WORK/seeds"
for f in "$SRC"/corpus/seeds/*.mmf; do
	"$B/mmfuzz" compile "$f" "$WORK/seeds/$(basename "$f" .mmf).bin" 2>/dev/null
done

# cpu_of FILE: user + system seconds /usr/bin/time wrote
cpu_of() { awk '{ print $1 + $2 }' "$1"; }
# ratio A B: A / B as a percentage
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f%%", (b > 0 ? 100 * a / b : 0) }'; }

# libfuzzer BINARY PROFILE -> "execs steps seconds"
libfuzzer() {
	rm -rf "$WORK/corpus" && cp -r "$WORK/seeds" "$WORK/corpus"
	# shellcheck disable=SC2086
	MMFUZZ_PROFILE=$2 /usr/bin/time -f "%U %S" -o "$WORK/time" setarch -R nice "$1" \
		-seed="$SEED" -max_total_time="$SECONDS_EACH" $LF_FLAGS "$WORK/corpus" \
		>"$WORK/log" 2>&1 || true
	sed -n 's/^mmfuzz: steps \([0-9]*\) execs \([0-9]*\)$/\2 \1/p' "$WORK/log" | tail -1 |
		awk -v t="$(cpu_of "$WORK/time")" '{ print $1, $2, t }'
}

# afl PROFILE -> "execs steps seconds"
afl() {
	rm -rf "$WORK/corpus" "$WORK/afl" "$WORK/counter" && cp -r "$WORK/seeds" "$WORK/corpus"
	# shellcheck disable=SC2086
	/usr/bin/time -f "%U %S" -o "$WORK/time" env MMFUZZ_PROFILE="$1" MMFUZZ_EXEC_COUNTER="$WORK/counter" \
		AFL_CUSTOM_MUTATOR_LIBRARY="$B/mmfuzz-afl-mutator.so" AFL_CUSTOM_MUTATOR_ONLY=1 \
		AFL_DISABLE_TRIM=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 \
		AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CRASHES=1 ${EXTRA_AFL_ENV:-} \
		nice afl-fuzz -i "$WORK/corpus" -o "$WORK/afl" -s "$SEED" -V "$SECONDS_EACH" \
		-- "$B/mmfuzz-afl" >"$WORK/log" 2>&1 || true
	od -An -tu8 -N16 "$WORK/counter" | awk -v t="$(cpu_of "$WORK/time")" '{ print $1, $2, t }'
}

printf '%-8s %-22s %9s %10s %11s %9s %9s\n' profile build exec/s steps/exec steps/s \
	"exec%" "steps%"
for p in $PROFILES; do
	ref=$(/usr/bin/time -f "%U %S" -o "$WORK/time" nice "$B/bench_exec" "$SECONDS_EACH" |
		sed -n 's/^bench_exec: [0-9]* exec\/s, \([0-9]*\) steps\/exec.*(\([0-9]*\) runs.*/\2 \1/p')
	ref_exec=$(awk -v r="${ref% *}" -v t="$(cpu_of "$WORK/time")" 'BEGIN { printf "%.0f", r / t }')
	ref="$ref_exec ${ref#* }"
	ref_steps=$(echo "$ref" | awk '{ print $1 * $2 }')
	printf '%-8s %-22s %9s %10s %11s\n' "$p" "bench_exec (plain)" "$ref_exec" "${ref#* }" \
		"$ref_steps"
	for build in asan cov afl; do
		case $build in
		asan) r=$(libfuzzer "$B/mmfuzz-fuzzer" "$p") name="libFuzzer+ASan+UBSan" ;;
		cov) r=$(libfuzzer "$B/mmfuzz-fuzzer-cov" "$p") name="libFuzzer coverage" ;;
		afl)
			[ -x "$B/mmfuzz-afl" ] && command -v afl-fuzz >/dev/null || continue
			r=$(afl "$p") name="AFL++ mutator+feedback"
			;;
		esac
		# shellcheck disable=SC2086
		set -- $r
		if [ $# -ne 3 ] || [ "$1" -eq 0 ]; then
			printf '%-8s %-22s failed: %s\n' "$p" "$name" "$(tail -1 "$WORK/log")"
			continue
		fi
		exec_s=$(awk -v e="$1" -v t="$3" 'BEGIN { printf "%.0f", e / t }')
		steps_s=$(awk -v s="$2" -v t="$3" 'BEGIN { printf "%.0f", s / t }')
		per=$(awk -v s="$2" -v e="$1" 'BEGIN { printf "%.0f", s / e }')
		printf '%-8s %-22s %9s %10s %11s %9s %9s\n' "$p" "$name" "$exec_s" "$per" "$steps_s" \
			"$(pct "$exec_s" "$ref_exec")" "$(pct "$steps_s" "$ref_steps")"
	done
done
echo "(per CPU second; ${SECONDS_EACH} s each, seed $SEED, nice'd, findings muted;" \
	"load: $(cut -d' ' -f1-3 /proc/loadavg))"
