#!/bin/sh
# Side-by-side benchmarks (ratios in one run: these machines are noisy).
#   bench/run.sh BUILD_DIR [SECONDS]
set -eu
B=${1:-build}
S=${2:-3}
echo "== context switch (scheduler on our assembly switch)"
"$B/bench_switch"
if [ -x "$B/bench_switch_boost" ]; then
	echo "== context switch (scheduler on Boost.Context fcontext)"
	"$B/bench_switch_boost"
fi
echo "== executions per second, fixed 3-thread scenario, latest, random schedules"
plain=$("$B/bench_exec" "$S")
echo "plain:      $plain"
if [ -x "$B/bench_exec_asan" ]; then
	asan=$(ASAN_OPTIONS=detect_leaks=0 "$B/bench_exec_asan" "$S")
	echo "ASan+UBSan: $asan"
	p=$(echo "$plain" | sed 's/bench_exec: \([0-9]*\) exec.*/\1/')
	a=$(echo "$asan" | sed 's/bench_exec: \([0-9]*\) exec.*/\1/')
	echo "sanitizer slowdown: $(echo "scale=2; $p / $a" | bc)x"
fi
