#!/bin/sh
# AFL++ as the campaign's engine (`mmfuzz fuzz --engine afl`, issue 14):
#  1. a short run on v5.7 (--stop-at-first, --only fork-isolation, capped
#     at 60 s) finds a fork-isolation violation, exit 1, and files it
#     like a libFuzzer finding: a self-describing crash-afl-* file in the
#     signature's folder, summary.json, a report; `mmfuzz replay` shows
#     the violation; AFL++'s new queue entries join the corpus folder;
#     the finding was replayed under ASan+UBSan (mmfuzz-fuzzer) and
#     confirmed before it was filed;
#  2. --jobs 2 runs one -M and one -S instance, both counted, and a
#     campaign on latest ends at its --time with no findings, exit 0;
#  3. no afl-fuzz is left running; a bad --engine is refused (exit 2).
# Skipped (exit 77) only when afl-fuzz is not installed.
#   afl.sh BUILD_DIR CORPUS_DIR
set -u
B=$(cd "$1" && pwd) || exit 2
CORPUS=$(cd "$2" && pwd) || exit 2
M=$B/mmfuzz
if ! command -v afl-fuzz >/dev/null 2>&1; then
	echo "afl: skipped: afl++ not installed (Debian: apt-get install afl++)"
	exit 77
fi
TMP=$(mktemp -d)
# AFL++'s folders live in memory (<corpus>.afl links there): those too.
cleanup() {
	for link in "$TMP"/mmfuzz-corpus/*.afl; do
		[ -L "$link" ] && rm -rf "$(readlink "$link")"
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
unset MMFUZZ_PROFILE MMFUZZ_SET MMFUZZ_ONLY MMFUZZ_WINDOW MMFUZZ_KNOWN MMFUZZ_HITS
export MMFUZZ_SEEDS="$CORPUS/seeds"
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$TMP" || exit 2

# --- 1. v5.7: the first fork-isolation violation ----------------------
start=$(date +%s)
"$M" fuzz --engine afl --profile v5.7 --only fork-isolation --stop-at-first --time 60 \
	--seed 1 >out.txt 2>err.txt
code=$?
took=$(($(date +%s) - start))
if [ "$code" -eq 1 ]; then ok; else fail "v5.7: exit $code, not 1 (a new finding)"; fi
if [ "$took" -le 70 ]; then ok; else fail "v5.7: took ${took}s, over the 60 s cap"; fi
if grep -q "stopped at its first new finding" out.txt; then ok; else
	fail "v5.7: the campaign did not stop at its finding"
fi
sig=$(find findings/v5.7 -maxdepth 1 -type d -name 'fork-isolation*' | head -1)
if [ -n "$sig" ]; then ok; else fail "v5.7: no fork-isolation folder in findings/v5.7"; fi
repro=$(find "${sig:-none}" -maxdepth 1 -name 'crash-afl-*' 2>/dev/null | head -1)
if [ -n "$repro" ] && [ "$(head -c 4 "$repro" | od -An -tx1 | tr -d ' ')" = 894d4d46 ]; then
	ok
else
	fail "v5.7: no self-describing crash-afl-* reproducer in ${sig:-findings}"
fi
if [ -f "${sig:-none}/report.txt" ] && grep -q fork-isolation findings/v5.7/summary.json; then
	ok
else
	fail "v5.7: no report.txt or summary.json entry"
fi
# The file names its model: replay needs no --profile.
if [ -n "$repro" ] && "$M" replay "$repro" >replay.txt 2>&1; then
	fail "v5.7: replay of $repro exited 0, not 1"
elif grep -q "VIOLATION fork-isolation" replay.txt; then
	ok
else
	fail "v5.7: mmfuzz replay does not show the violation"
	cat out.txt err.txt
fi
if grep -q "findings replayed under ASan+UBSan" err.txt &&
	grep -q "confirmed under ASan+UBSan" err.txt &&
	grep -q "^replayed under ASan+UBSan: [1-9][0-9]* new signature(s) confirmed" out.txt; then
	ok
else
	fail "v5.7: the finding was not confirmed under ASan+UBSan"
fi
if ls mmfuzz-corpus/v5.7/afl-* >/dev/null 2>&1; then ok; else
	fail "v5.7: AFL++'s queue did not join the corpus folder"
fi
if [ -f mmfuzz-corpus/v5.7.afl/main/fuzzer_stats ]; then ok; else
	fail "v5.7: no AFL++ output folder beside the corpus"
fi
case $(readlink mmfuzz-corpus/v5.7.afl) in
/dev/shm/*) ok ;;
*) [ -d /dev/shm ] && fail "v5.7: AFL++'s output folder is not in memory" ;;
esac

# --- 2. latest, two instances: nothing to find -------------------------
"$M" fuzz --engine afl --profile latest --jobs 2 --time 6 --seed 2 >out2.txt 2>err2.txt
code=$?
if [ "$code" -eq 0 ]; then ok; else fail "latest: exit $code, not 0"; cat out2.txt err2.txt; fi
if grep -q "its time was up" out2.txt && grep -q "no findings" out2.txt; then ok; else
	fail "latest: not a clean end at its time"
fi
for inst in main s1; do
	execs=$(sed -n 's/^execs_done *: //p' "mmfuzz-corpus/latest.afl/$inst/fuzzer_stats" 2>/dev/null)
	if [ "${execs:-0}" -gt 0 ]; then ok; else fail "latest: instance $inst did not run"; fi
done
total=$(sed -n 's/^executions: \([0-9]*\) .*/\1/p' out2.txt)
if [ "${total:-0}" -gt 0 ]; then ok; else fail "latest: no executions in the summary"; fi
# AFL++ counts map edges; libFuzzer's features and coverage are not shown.
if grep -q "; map edges [1-9]" out2.txt && ! grep -q "coverage 0" out2.txt; then ok; else
	fail "latest: the summary does not give AFL++'s map edges: $(grep 'inputs (' out2.txt)"
fi

# --- 3. nothing left behind; a bad engine ------------------------------
left=0
for pid in $(pgrep -x afl-fuzz); do
	[ "$(readlink "/proc/$pid/cwd")" = "$TMP" ] && left=$((left + 1))
done
if [ "$left" -eq 0 ]; then ok; else fail "$left afl-fuzz of this test still running"; fi
"$M" fuzz --engine honggfuzz --time 1 >/dev/null 2>err3.txt
code=$?
if [ "$code" -eq 2 ] && grep -q "not an engine" err3.txt; then ok; else
	fail "--engine honggfuzz: exit $code, not 2"
fi
finish afl
