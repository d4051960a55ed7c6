#!/bin/sh
# Smoke: the whole pipeline, budgeted.
#  1. libFuzzer from an empty corpus on v5.7 (fixed seed, bounded runs)
#     finds a fork-isolation violation, and the saved input replays to the
#     same signature 100 times out of 100;
#  2. a short campaign on latest finds nothing.
#   smoke.sh BUILD_DIR
set -u
B=$1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$(dirname "$0")/lib.sh"

mkdir -p "$TMP/corpus" "$TMP/findings"
MMFUZZ_PROFILE=v5.7 MMFUZZ_ONLY=fork-isolation "$B/mmfuzz-fuzzer" -seed=1 -runs=2000000 \
	-artifact_prefix="$TMP/findings/" "$TMP/corpus" >"$TMP/v57.log" 2>&1
status=$?
crash=$(ls "$TMP"/findings/crash-* 2>/dev/null | head -1)
if [ "$status" -ne 0 ] && grep -q "^mmfuzz: VIOLATION fork-isolation" "$TMP/v57.log" &&
	[ -n "$crash" ]; then
	ok
	grep "^mmfuzz: VIOLATION" "$TMP/v57.log" | head -1
	grep -o "^#[0-9]*" "$TMP/v57.log" | tail -1 | sed "s/^#/  inputs run before it: /"
else
	fail "v5.7 campaign did not find fork-isolation (exit $status)"
	tail -5 "$TMP/v57.log"
fi
if [ -n "$crash" ]; then
	"$B/mmfuzz" run --profile v5.7 --repeat 100 "$crash" >"$TMP/replay.log" 2>&1
	if [ $? -eq 1 ] && grep -q "VIOLATION fork-isolation.*identical 100/100" "$TMP/replay.log"; then
		ok
	else
		fail "the finding does not replay identically"
		cat "$TMP/replay.log"
	fi
fi

(cd "$TMP" && "$B/mmfuzz" fuzz --profile latest --time 20 --seed 1 >"$TMP/latest.log" 2>&1)
if [ $? -eq 0 ] && grep -q "no findings" "$TMP/latest.log"; then
	ok
else
	fail "latest campaign reported findings"
	tail -20 "$TMP/latest.log"
fi

finish smoke
