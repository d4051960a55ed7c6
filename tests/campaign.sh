#!/bin/sh
# Campaigns (`mmfuzz fuzz`, `mmfuzz stats`, `mmfuzz corpus merge`): one
# check per defect of issue 13, each failing on the old campaign.
#  1. --runs N stops after exactly N executions (the old one ran 60 s);
#  2. --time T ends within T + 1.5 s, restarts after findings included
#     (the old one ran T + 1 to T + 2); progress counts executions over
#     the restarts (the old one started again from zero);
#  3. the same --seed gives the same findings and the same corpus, in
#     folders of different path lengths (address randomisation is off);
#     --seed 0 too (the old campaign took it for "from the clock");
#  4. the summary is on stdout, the progress on stderr;
#  5. the corpus folder has its statistics; `mmfuzz stats --svg` plots
#     them (a well-formed SVG, three series);
#  6. `mmfuzz corpus merge` shrinks the corpus and keeps its features;
#  7. SIGINT ends a campaign with its summary, findings filed, exit 130;
#     SIGTERM, exit 143;
#  8. a fuzzer that fails to start (a bad MMFUZZ_WINDOW) or is missing:
#     exit 2, never "no findings";
#  9. by default libFuzzer runs the coverage-only build and every new
#     finding is replayed under ASan+UBSan before it is filed (confirmed;
#     a sanitizer report filed as sanitizer.<kind>/; not reproduced, kept
#     in unreproducible/ with exit 2, never dropped); --sanitize fuzzes
#     with the ASan+UBSan build itself.
#   campaign.sh BUILD_DIR CORPUS_DIR
set -u
B=$(cd "$1" && pwd) || exit 2
CORPUS=$(cd "$2" && pwd) || exit 2
M=$B/mmfuzz
F=$B/mmfuzz-fuzzer
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
unset MMFUZZ_PROFILE MMFUZZ_SET MMFUZZ_ONLY MMFUZZ_WINDOW MMFUZZ_KNOWN MMFUZZ_HITS
export MMFUZZ_SEEDS="$CORPUS/seeds"
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# check WHAT COMMAND...: the command must succeed
check() {
	what=$1
	shift
	if "$@" >/dev/null 2>&1; then ok; else fail "$what"; fi
}
now() { date +%s.%N; }
stat_of() { sed -n "s/^$2 *: //p" "$1/.stats/fuzzer_stats"; }
# features DIR MODEL: the features libFuzzer sees in a corpus, every input judged
features() {
	MMFUZZ_PROFILE=$2 MMFUZZ_MUTE_ALL=1 setarch -R "$F" -runs=0 -max_len=512 "$1" 2>&1 |
		sed -n 's/.*INITED.* ft: \([0-9]*\).*/\1/p'
}

# 1. --runs.
mkdir "$TMP/runs" && cd "$TMP/runs" || exit 2
"$M" fuzz --profile latest --runs 3000 --seed 1 >out 2>err
status=$?
execs=$(stat_of mmfuzz-corpus/latest execs_done)
if [ "$status" -eq 0 ] && [ "$execs" = 3000 ] && grep -q "^executions: 3000 " out &&
	grep -q "its runs were done" out; then
	ok
else
	fail "1: --runs 3000: exit $status, $execs executions"
	cat out
fi

# 1b. The lock-latency view: on latest most faults complete under the VMA
# lock; on the spf proposal, some complete with no lock (and none under a
# VMA lock, which spf does not have).
share=$(sed -n 's/^faults under the VMA lock: \([0-9.]*\)% (success).*/\1/p' out)
if awk -v s="${share:-0}" 'BEGIN { exit !(s > 50) }'; then
	ok
else
	fail "1b: latest: faults under the VMA lock '${share:-none}' (expected most)"
	cat out
fi
"$M" fuzz --profile spf --runs 2000 --seed 1 mmfuzz-corpus/spf >spf.out 2>spf.err
spf=$(sed -n 's/^speculative faults: \([0-9.]*\)% of.*/\1/p' spf.out)
if awk -v s="${spf:-0}" 'BEGIN { exit !(s > 0) }' && ! grep -q "under the VMA lock" spf.out; then
	ok
else
	fail "1b: spf: speculative share '${spf:-none}'"
	cat spf.out
fi
echo "  lock-latency view: latest ${share:-?}% of faults under the VMA lock, spf ${spf:-?}% speculative"

# 2. --time, on v5.7: the fuzzer stops at each finding and restarts.
mkdir "$TMP/time" && cd "$TMP/time" || exit 2
t0=$(now)
"$M" fuzz --profile v5.7 --time 8 --seed 2 >out 2>err
status=$?
t1=$(now)
took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
rounds=$(sed -n 's/^executions: [0-9]* in \([0-9]*\) round.*/\1/p' out)
echo "  --time 8: $took s wall, ${rounds:-?} round(s), $(sed -n 's/^executions: //p' out)"
if [ "$status" -eq 1 ] && awk -v t="$took" 'BEGIN { exit !(t >= 7 && t <= 9.5) }'; then
	ok
else
	fail "2: --time 8 took $took s (exit $status)"
fi
# Progress counts over the restarts: never back to a smaller count.
if [ "${rounds:-0}" -ge 2 ] && grep -q "round [2-9]" err &&
	sed -n 's/^\[ *[0-9.]*s\] execs \([0-9]*\) .*/\1/p' err | sort -nc; then
	ok
else
	fail "2: progress restarted its count at a new round (${rounds:-?} rounds)"
	grep "^\[" err | head -20
fi

# 3. --seed: the same campaign twice, in folders of different lengths.
for d in a bbbbbbbbbbbbbbbbbbbbbbb; do
	mkdir "$TMP/seed-$d" && cd "$TMP/seed-$d" || exit 2
	"$M" fuzz --profile v5.7 --seed 7 --runs 30000 >out 2>err
	echo $? >status
	ls mmfuzz-corpus/v5.7 >corpus.list
	(cd findings/v5.7 && find . -type f ! -name summary.json ! -path './.incoming/*' |
		sort | xargs md5sum) >findings.list
	grep -v "ended after\|exec/s\|^\[" out >summary.txt
done
A=$TMP/seed-a
Z=$TMP/seed-bbbbbbbbbbbbbbbbbbbbbbb
nsig=$(jq '.signatures | length' "$A/findings/v5.7/summary.json" 2>/dev/null)
echo "  --seed 7 --runs 30000 on v5.7: $(wc -l <"$A/corpus.list") corpus inputs," \
	"${nsig:-?} signature(s)"
if [ "$(cat "$A/status")" -eq 1 ] && [ "${nsig:-0}" -gt 0 ] &&
	cmp -s "$A/findings.list" "$Z/findings.list"; then
	ok
else
	fail "3: --seed 7 gave different findings (exit $(cat "$A/status"), $(cat "$Z/status"))"
	diff "$A/findings.list" "$Z/findings.list" | head
fi
check "3: --seed 7 gave a different corpus" cmp "$A/corpus.list" "$Z/corpus.list"
check "3: --seed 7 gave a different summary" \
	sh -c "[ -s '$A/summary.txt' ] && cmp '$A/summary.txt' '$Z/summary.txt'"
# --seed 0 is a seed like any other (libFuzzer takes -seed=0 for "from
# the clock": the campaign never passes it one).
for d in z1 z2; do
	mkdir "$TMP/$d" && cd "$TMP/$d" || exit 2
	"$M" fuzz --profile latest --seed 0 --runs 2000 >out 2>err
	ls mmfuzz-corpus/latest >corpus.list
done
check "3: --seed 0 gave two different corpora" cmp "$TMP/z1/corpus.list" "$TMP/z2/corpus.list"
# A resumed campaign's plot goes on from where the last one ended: its
# executions add up, its times never go back.
cd "$TMP/z1" || exit 2
"$M" fuzz --profile latest --seed 1 --runs 2000 >out2 2>err2
if grep -v '^#' mmfuzz-corpus/latest/.stats/plot_data | awk -F', ' '
	$1 < t { bad = 1 } { t = $1; e = $2 } END { exit bad || e != 4000 }'; then
	ok
else
	fail "5: plot_data did not carry on across the resumed campaign"
	tail -3 mmfuzz-corpus/latest/.stats/plot_data
fi

# 4. The summary on stdout, the progress on stderr.
cd "$TMP/time" || exit 2
if grep -q "^mmfuzz: campaign on model v5.7 ended after" out &&
	grep -q "^findings/v5.7/summary.json: [1-9][0-9]* signature" out &&
	grep -q "^new signatures in this run" out && ! grep -q "^\[" out &&
	grep -q "^\[ *[0-9.]*s\] execs" err && ! grep -q "summary.json" err; then
	ok
else
	fail "4: the summary is not on stdout, or the progress not on stderr"
fi

# 5. Statistics, and their plot.
C=mmfuzz-corpus/v5.7
rows=$(grep -vc '^#' "$C/.stats/plot_data" 2>/dev/null)
if [ "$(stat_of "$C" status)" = "done" ] && [ "${rows:-0}" -ge 6 ] &&
	[ "$(stat_of "$C" execs_done)" = "$(sed -n 's/^executions: \([0-9]*\) .*/\1/p' out)" ]; then
	ok
else
	fail "5: $C/.stats: status $(stat_of "$C" status), ${rows:-0} rows"
fi
"$M" stats --svg plot.svg "$C" >stats.out 2>stats.err
status=$?
if [ "$status" -eq 0 ] && grep -q "execs_done" stats.out && xmllint --noout plot.svg &&
	[ "$(grep -c "<polyline" plot.svg)" -eq 3 ]; then
	ok
else
	fail "5: mmfuzz stats --svg (exit $status)"
	cat stats.err
fi
"$M" stats "$TMP/runs/nothing" >/dev/null 2>&1
check "5: stats of a folder without statistics exits 2" test $? -eq 2

# 6. Merge: fewer inputs, the same features, the statistics kept. (The
# count of features a corpus shows can move by one or two with the order
# its inputs run in -- the model's first execution is not like the
# others -- hence 0.1 % of slack.)
cd "$TMP/seed-a" || exit 2
C=mmfuzz-corpus/v5.7
before=$(find "$C" -maxdepth 1 -type f ! -name ".*" | wc -l)
ft_before=$(features "$C" v5.7)
"$M" corpus merge --profile v5.7 >merge.out 2>merge.err
status=$?
after=$(find "$C" -maxdepth 1 -type f ! -name ".*" | wc -l)
ft_after=$(features "$C" v5.7)
echo "  merge: $before -> $after inputs, features $ft_before -> $ft_after"
if [ "$status" -eq 0 ] && [ "$after" -lt "$before" ] && [ -n "$ft_before" ] &&
	[ "$((ft_after * 1000))" -ge "$((ft_before * 999))" ] && [ -f "$C/.stats/plot_data" ] &&
	[ ! -e "$C.merging" ] && grep -q "^after: " merge.out; then
	ok
else
	fail "6: corpus merge (exit $status): $before -> $after, $ft_before -> $ft_after"
	cat merge.out merge.err
fi

# 7. Signals: the summary, the findings filed, 130 and 143.
mkdir "$TMP/int" && cd "$TMP/int" || exit 2
"$M" fuzz --profile v5.7 --time 60 --seed 3 >out 2>err &
pid=$!
sleep 5
kill -INT $pid
wait $pid
status=$?
n=$(jq '.signatures | length' findings/v5.7/summary.json 2>/dev/null)
# A finding of a new signature that the interrupt caught before its
# ASan+UBSan replay stays staged for the next campaign (under load it
# happens): every file left must be one the summary declares.
left=$(find findings/v5.7/.incoming -name 'crash-*' | wc -l)
declared=$(sed -n 's/^\([0-9]*\) finding(s) not yet replayed under ASan+UBSan (interrupted).*/\1/p' out)
if [ "$status" -eq 130 ] && grep -q "interrupted by SIGINT" out && [ "${n:-0}" -gt 0 ] &&
	grep -q "^findings/v5.7/summary.json: $n signature" out &&
	[ "$left" -eq "${declared:-0}" ]; then
	ok
else
	fail "7: SIGINT: exit $status, ${n:-0} signature(s), $left staged, ${declared:-0} declared"
	cat out
fi
mkdir "$TMP/term" && cd "$TMP/term" || exit 2
"$M" fuzz --profile latest --time 60 --seed 3 >out 2>err &
pid=$!
sleep 3
kill -TERM $pid
wait $pid
status=$?
if [ "$status" -eq 143 ] && grep -q "ended by SIGTERM" out && grep -q "^no findings" out; then
	ok
else
	fail "7: SIGTERM: exit $status"
	cat out
fi
# fuzzers_in DIR: libFuzzer processes still working in DIR
fuzzers_in() {
	for p in $(pgrep -f mmfuzz-fuzzer); do
		case $(readlink "/proc/$p/cwd") in "$1"*) echo "$p" ;; esac
	done
}
sleep 1
check "7: the fuzzers are gone" test -z "$(fuzzers_in "$TMP")"

# 8. A fuzzer that fails, or is missing.
mkdir "$TMP/fail" && cd "$TMP/fail" || exit 2
MMFUZZ_WINDOW=bogus "$M" fuzz --profile latest --time 5 >out 2>err
status=$?
if [ "$status" -eq 2 ] && grep -q "the fuzzer failed (exit status 2)" err &&
	grep -q "MMFUZZ_WINDOW" err && grep -q "THE FUZZER FAILED" out &&
	! grep -q "no findings" out; then
	ok
else
	fail "8: bad MMFUZZ_WINDOW: exit $status"
	cat out err
fi
mkdir alone && cp "$M" alone/
./alone/mmfuzz fuzz --time 5 >out 2>err
status=$?
check "8: a missing fuzzer: exit 2 (got $status)" test "$status" -eq 2
check "8: a missing fuzzer is named" grep -q "mmfuzz-fuzzer not found" err

# 9. The coverage-only build, its findings confirmed under ASan+UBSan.
mkdir "$TMP/cov" && cd "$TMP/cov" || exit 2
"$M" fuzz --profile v5.7 --time 60 --seed 5 --stop-at-first >out 2>err
status=$?
sig=$(find findings/v5.7 -mindepth 1 -maxdepth 1 -type d ! -name unreproducible ! -name '.*' \
	-printf '%f\n' | sort | head -1)
if [ "$status" -eq 1 ] && grep -q "build: coverage only, findings replayed under ASan+UBSan" err &&
	grep -q "FINDING mmfuzz: VIOLATION" err && grep -q "confirmed under ASan+UBSan" err &&
	grep -q "^replayed under ASan+UBSan: 1 new signature(s) confirmed, 0 sanitizer report(s)" out &&
	[ -n "$sig" ] && [ ! -d findings/v5.7/unreproducible ]; then
	ok
else
	fail "9: coverage-only campaign on v5.7: exit $status, signature '${sig:-none}'"
	cat out err
fi
# The sanitizer build replays the very file the coverage-only one filed.
repro=$(ls findings/v5.7/"$sig"/crash-* | head -1)
MMFUZZ_PROFILE=v5.7 "$F" "$repro" >replay.out 2>&1
check "9: the ASan+UBSan build does not see the filed finding" \
	grep -q "^mmfuzz: VIOLATION $(echo "$sig" | tr . ' ') " replay.out
# --sanitize: the ASan+UBSan build fuzzes, nothing to confirm.
mkdir "$TMP/asan" && cd "$TMP/asan" || exit 2
"$M" fuzz --help | grep -q -- "--sanitize" || fail "9: --sanitize is not in mmfuzz fuzz --help"
"$M" fuzz --sanitize --profile v5.7 --time 60 --seed 5 --stop-at-first >out 2>err
status=$?
if [ "$status" -eq 1 ] && grep -q "build: ASan+UBSan$" err && grep -q "FINDING mmfuzz: VIOLATION" err &&
	! grep -q "confirmed" err && ! grep -q "^replayed under" out; then
	ok
else
	fail "9: --sanitize campaign on v5.7: exit $status"
	cat out err
fi
# Stand-ins for the sanitizer build: one that reports a use-after-free,
# one that sees nothing.
for verdict in asan clean broken; do
	mkdir "$TMP/$verdict-stub" && cd "$TMP/$verdict-stub" || exit 2
	mkdir bin && cp "$M" "$B/mmfuzz-fuzzer-cov" bin/
	if [ $verdict = asan ]; then
		printf '#!/bin/sh\necho "==1==ERROR: AddressSanitizer: heap-use-after-free on address 0x1"\n%s\nexit 1\n' \
			'echo "SUMMARY: AddressSanitizer: heap-use-after-free model.c:1 in f"' >bin/mmfuzz-fuzzer
	elif [ $verdict = clean ]; then
		printf '#!/bin/sh\necho "Executed $2 in 1 ms"\nexit 0\n' >bin/mmfuzz-fuzzer
	else
		printf '#!/bin/sh\nexit 127\n' >bin/mmfuzz-fuzzer
	fi
	chmod +x bin/mmfuzz-fuzzer
	# (not confirmed, the signature is not filed: the campaign goes on)
	./bin/mmfuzz fuzz --profile v5.7 --time 6 --seed 5 --stop-at-first >out 2>err
	echo $? >status
done
cd "$TMP/asan-stub" || exit 2
if [ "$(cat status)" -eq 1 ] && [ -s findings/v5.7/sanitizer.heap-use-after-free/report.txt ] &&
	ls findings/v5.7/sanitizer.heap-use-after-free/crash-* >/dev/null 2>&1 &&
	grep -q "SANITIZER heap-use-after-free" err &&
	grep -q "0 new signature(s) confirmed, 1 sanitizer report(s)" out; then
	ok
else
	fail "9: a sanitizer report on replay: exit $(cat status)"
	cat out err
fi
cd "$TMP/clean-stub" || exit 2
n=$(ls findings/v5.7/unreproducible 2>/dev/null | wc -l)
if [ "$(cat status)" -eq 2 ] && [ "$n" -ge 1 ] && grep -q "did not reproduce under ASan+UBSan" err &&
	grep -q "finding(s) not reproduced" out && ! grep -q "^new signatures" out; then
	ok
else
	fail "9: a finding the sanitizer build does not reproduce: exit $(cat status), $n kept"
	cat out err
fi
# A replay that judged nothing (the sanitizer build would not start) is
# no verdict: the finding stays staged for the next campaign, exit 2.
cd "$TMP/broken-stub" || exit 2
n=$(ls findings/v5.7/.incoming/crash-* 2>/dev/null | wc -l)
if [ "$(cat status)" -eq 2 ] && [ "$n" -ge 1 ] && [ ! -d findings/v5.7/unreproducible ] &&
	grep -q "judged nothing (exit status 127)" err; then
	ok
else
	fail "9: a replay that could not run: exit $(cat status), $n staged"
	cat out err
fi

finish campaign
