#!/bin/sh
# Time from an empty corpus to the first data race the TSan replay build
# reports, per seed: fuzz with the sanitizer build (TSan does not mix with
# coverage on fibers: docs/design.md, "The TSan build"), and after
# every STEP seconds of fuzzing replay the whole corpus through
# mmfuzz-tsan. The time is the fuzzing time, in STEP-second steps.
#   bench/time_to_race.sh BUILD_DIR PROFILE [SEEDS] [STEP] [MAX_SECONDS]
#   e.g. bench/time_to_race.sh build clear-refs-no-upgrade
set -eu
B=$1 PROFILE=$2
SEEDS=${3:-"1 2 3 4 5"}
STEP=${4:-5}
MAX=${5:-120}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
for s in $SEEDS; do
	rm -rf "$WORK/corpus"
	mkdir -p "$WORK/corpus"
	t=0 found=""
	while [ "$t" -lt "$MAX" ]; do
		MMFUZZ_PROFILE=$PROFILE "$B/mmfuzz-fuzzer" -seed="$s" -max_total_time="$STEP" \
			"$WORK/corpus" >/dev/null 2>&1 || true
		t=$((t + STEP))
		find "$WORK/corpus" -type f -print0 | TSAN_OPTIONS=halt_on_error=1:exitcode=66 \
			xargs -0 "$B/mmfuzz-tsan" run --profile "$PROFILE" >"$WORK/log" 2>&1 || true
		if grep -q "WARNING: ThreadSanitizer: data race" "$WORK/log"; then
			found=$t
			break
		fi
	done
	if [ -n "$found" ]; then
		printf 'seed %s: race after %ss of fuzzing (%s corpus files): %s\n' "$s" "$found" \
			"$(find "$WORK/corpus" -type f | wc -l)" \
			"$(grep -m2 -E '^    #0 ' "$WORK/log" | awk '{print $2}' | tr '\n' ' ')"
	else
		printf 'seed %s: no race within %ss of fuzzing\n' "$s" "$MAX"
	fi
done
