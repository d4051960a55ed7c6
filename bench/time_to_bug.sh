#!/bin/sh
# Time from an empty corpus to the first finding of one oracle, per seed,
# with libFuzzer on one core, and the median. Other oracles are not
# reported (MMFUZZ_ONLY), so the run stops at the bug being timed. Where
# several bugs share the oracle on a profile, set MMFUZZ_FIXED_BY to the
# switches of the fix (e.g. clear_refs.skip_pinned=yes): a violation counts
# only if the same input runs clean with them. MMFUZZ_WITH_OPS and
# MMFUZZ_WITHOUT_OPS narrow it further by the ops a program uses. A fix
# that adds a scheduling point sends the fixed run down another
# interleaving, which may be clean by chance, and a program that also
# carries another bug of the profile is never clean; MMFUZZ_WINDOW names
# the bug's mechanism (target/feedback.h, e.g. store-after-copy:uffd-wp
# for Nadav Amit's uffd-wp corruption) and counts a lost write only if
# the write lost is the store that opened it.
# KEEP=DIR keeps each seed's first finding in DIR/<seed>/.
#   bench/time_to_bug.sh BUILD_DIR PROFILE ORACLE[:KIND] [SEEDS] [BUDGET_SECONDS]
set -eu
B=$1 PROFILE=$2 ORACLE=$3
SEEDS=${4:-"1 2 3 4 5"}
BUDGET=${5:-300}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
times=""
for s in $SEEDS; do
	rm -rf "$WORK/corpus" "$WORK/findings"
	mkdir -p "$WORK/corpus" "$WORK/findings"
	start=$(date +%s.%N)
	MMFUZZ_PROFILE=$PROFILE MMFUZZ_ONLY=$ORACLE "$B/mmfuzz-fuzzer" -seed="$s" \
		-max_total_time="$BUDGET" -artifact_prefix="$WORK/findings/" "$WORK/corpus" \
		>"$WORK/log" 2>&1 || true
	end=$(date +%s.%N)
	grep -m1 "^mmfuzz: VIOLATION $(echo "$ORACLE" | tr : ' ') " "$WORK/log" >"$WORK/hit" || true
	if [ -s "$WORK/hit" ]; then
		t=$(echo "$end - $start" | bc)
		printf 'seed %s: %.1fs  %s  (%s)\n' "$s" "$t" "$(cat "$WORK/hit")" \
			"$(grep -o 'exec/s: [0-9]*' "$WORK/log" | tail -1)"
		times="$times $t"
	else
		printf 'seed %s: not found within %ss\n' "$s" "$BUDGET"
		times="$times $BUDGET"
	fi
	if [ -n "${KEEP:-}" ]; then
		mkdir -p "$KEEP/$s"
		cp "$WORK"/findings/* "$KEEP/$s/" 2>/dev/null || true
	fi
	rm -f "$WORK/hit"
done
median=$(echo "$times" | tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "median time to first $ORACLE on $PROFILE: ${median}s (seeds: $SEEDS)"
