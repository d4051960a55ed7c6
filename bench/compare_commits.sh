#!/bin/sh
# bench_exec of two commits side by side, in one run: these machines are
# noisy, so the builds run alternately and the figure is the median of the
# per-pair ratios; with valgrind installed, also the instructions each
# build executes per run (callgrind: noise-free, includes setup).
#
#   bench/compare_commits.sh BASE [NEW] [PAIRS] [SECONDS]
#
# NEW defaults to the working tree (uncommitted changes included), PAIRS
# to 8, SECONDS (per run) to 2. Both are built Release, plain, with the
# same compiler, in a temporary folder.
set -eu
cd "$(dirname "$0")/.."
base=${1:?usage: bench/compare_commits.sh BASE [NEW] [PAIRS] [SECONDS]}
new=${2:-}
pairs=${3:-8}
secs=${4:-2}
case "$pairs$secs" in
*[!0-9.]*) echo "compare_commits: PAIRS and SECONDS must be numbers" >&2; exit 2 ;;
esac
git rev-parse -q --verify "$base^{commit}" >/dev/null ||
	{ echo "compare_commits: no commit '$base'" >&2; exit 2; }
[ -z "$new" ] || git rev-parse -q --verify "$new^{commit}" >/dev/null ||
	{ echo "compare_commits: no commit '$new'" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Sources of a commit, or of the working tree (tracked and new files).
export_tree() {
	mkdir -p "$2"
	if [ -n "$1" ]; then
		git archive "$1" | tar -x -C "$2"
	else
		git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$2"
	fi
}

build() {
	cmake -S "$1" -B "$1/b" -DCMAKE_BUILD_TYPE=Release -DMMFUZZ_FUZZERS=OFF \
		-DMMFUZZ_TSAN=OFF >/dev/null
	cmake --build "$1/b" --target bench_exec >/dev/null
}

export_tree "$base" "$tmp/base"
export_tree "$new" "$tmp/new"
build "$tmp/base"
build "$tmp/new"

rate() { "$1/b/bench_exec" "$secs" | sed 's/bench_exec: \([0-9]*\) exec.*/\1/'; }

echo "pair  base exec/s  new exec/s  new/base"
ratios=""
i=1
while [ "$i" -le "$pairs" ]; do
	b=$(rate "$tmp/base")
	n=$(rate "$tmp/new")
	r=$(echo "scale=3; $n / $b" | bc)
	printf '%4d  %11s  %10s  %8s\n' "$i" "$b" "$n" "$r"
	ratios="$ratios $r"
	i=$((i + 1))
done
echo "$ratios" | tr ' ' '\n' | grep . | sort -n |
	awk '{ r[NR] = $1 } END { m = (NR % 2) ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2;
		printf "median new/base: %.3f (min %.3f, max %.3f)\n", m, r[1], r[NR] }'

if command -v valgrind >/dev/null; then
	# Instructions per execution: valgrind runs as many batches of 256 as
	# fit in 2 s of its slow time, so the run counts may differ. No debug
	# info is needed for a total (valgrind 3.19 cannot read DWARF 5).
	per_run() {
		valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" "$1/b/bench_exec" 2 \
			>"$tmp/out" 2>"$tmp/err"
		runs=$(sed -n 's/.*(\([0-9]*\) runs in.*/\1/p' "$tmp/out")
		total=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$tmp/err")
		echo "$total / $runs" | bc
	}
	b=$(per_run "$tmp/base")
	n=$(per_run "$tmp/new")
	echo "instructions per execution: base $b, new $n, new/base $(echo "scale=3; $n / $b" | bc)"
fi
