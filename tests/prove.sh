#!/bin/sh
# SPDX-License-Identifier: MIT
# mmfuzz prove end to end: a regression bug found on its buggy model, the
# counterexample and its minimised form replay the same signature; the
# same program proved on the fixed model; JSON; determinism; bad input;
# an honest report when --max-schedules cuts the search; smoke's proofs.
#   prove.sh MMFUZZ CORPUS_DIR
set -u
MMFUZZ=$1
CORPUS=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$TMP" || exit 1

BUG=$CORPUS/regress/cve-2020-29374-child.mmf
SEED=$CORPUS/seeds/basic-cow.mmf
# "VIOLATION oracle kind profile=..." of one file's own run.
signature() { "$MMFUZZ" run "$1" 2>/dev/null | sed -n 's/^[^:]*: mmfuzz: \(VIOLATION [^(]*\) (.*/\1/p'; }
json() { jq -r "$1" "$2" 2>/dev/null; }
expect_status() { # WANT WHAT COMMAND...
	status_want=$1 what=$2
	shift 2
	"$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	if [ "$got" -eq "$status_want" ]; then pass; else fail "$what: exit $got, not $status_want: $(cat "$TMP/err")"; fi
}

# --- a bug found, saved, minimised -------------------------------------
expect_status 1 "prove on v5.7" "$MMFUZZ" prove --profile v5.7 -o cex.mmf --json v.json "$BUG"
cp "$TMP/out" violation.txt
cp "$TMP/err" violation.err
grep -q '^mmfuzz: VIOLATION fork-isolation ' violation.txt && pass || fail "no signature line: $(head -3 violation.txt)"
grep -q '^found at K=[0-9]* after [0-9]* schedules' violation.txt && pass || fail "no 'found at K=' line"
want=$(sed -n 's/^mmfuzz: \(VIOLATION [^(]*\)$/\1/p' violation.txt | head -1)
# The saved files name their model: no --profile to replay them.
[ "$(signature cex.mmf)" = "$want" ] && pass || fail "cex.mmf replays '$(signature cex.mmf)', not '$want'"
head -1 cex.mmf | grep -q '^# mmfuzz prove: .*found at K=' && pass || fail "cex.mmf has no header"
grep -q '^profile v5.7' cex.mmf && pass || fail "cex.mmf does not name its model"
[ "$(signature cex.min.mmf)" = "$want" ] && pass || fail "cex.min.mmf replays '$(signature cex.min.mmf)'"
grep -q '^minimised as cex.min.mmf' violation.txt && pass || fail "the minimised file is not announced"
[ "$(json .verdict v.json)" = violation ] && pass || fail "JSON verdict $(json .verdict v.json)"
[ "$(json .violation.counterexample v.json)" = cex.mmf ] && pass || fail "JSON counterexample path"
[ "$(json .violation.oracle v.json)" = fork-isolation ] && pass || fail "JSON oracle"
[ "$(json .model v.json)" = v5.7 ] && pass || fail "JSON model $(json .model v.json)"
k=$(sed -n 's/^found at K=\([0-9]*\) .*/\1/p' violation.txt)
[ "$(json .violation.k v.json)" = "$k" ] && pass || fail "JSON k differs from the text's $k"
# The default place: prove-findings/<model>/<stem>.mmf
expect_status 1 "prove, default output" "$MMFUZZ" prove --profile v5.7 "$BUG"
[ "$(signature prove-findings/v5.7/cve-2020-29374-child.mmf)" = "$want" ] && pass || fail "default counterexample"
# A binary -o (any name not ending in .mmf).
expect_status 1 "prove -o binary" "$MMFUZZ" prove --profile v5.7 -o cex.bin "$BUG"
[ "$(signature cex.bin)" = "$want" ] && pass || fail "cex.bin replays '$(signature cex.bin)'"

# --- the same program proved on the fixed model ------------------------
expect_status 0 "prove on latest" "$MMFUZZ" prove --preemptions 2 --json p.json "$BUG"
cp "$TMP/out" proof.txt
grep -q "no violation in any schedule with <= 2 preemptions on latest: [0-9]* schedules run, [0-9]* Mazurkiewicz classes" proof.txt &&
	pass || fail "no proof line: $(head -2 proof.txt)"
[ "$(json .verdict p.json)" = proved ] && pass || fail "JSON verdict $(json .verdict p.json)"
[ "$(json '[.bounds[].schedules] | add' p.json)" = "$(json .schedules p.json)" ] && pass || fail "JSON: per-bound schedules do not add up"
[ "$(json '.bounds | length' p.json)" -ge 1 ] && pass || fail "JSON: no bounds"
[ "$(json .violation p.json)" = null ] && pass || fail "JSON: a violation in a proof"
# --json - : the JSON alone on stdout.
"$MMFUZZ" prove --json - "$BUG" 2>/dev/null | jq -e .schedules >/dev/null && pass || fail "--json - is not JSON alone"

# A file with its own schedule: prove says it ignores it (stderr only).
"$MMFUZZ" prove --preemptions 0 "$CORPUS/regress/dirty-cow.mmf" >/dev/null 2>own.err
grep -q "its own schedule is ignored" own.err && pass || fail "the ignored schedule is not said"

# --- determinism ---------------------------------------------------------
"$MMFUZZ" prove "$BUG" >again.txt 2>/dev/null
cmp -s proof.txt again.txt && pass || fail "two proofs print differently"
"$MMFUZZ" prove --profile v5.7 -o cex.mmf "$BUG" >again.txt 2>/dev/null
cmp -s violation.txt again.txt && pass || fail "two violations print differently"
"$MMFUZZ" prove --preemptions 2 --json p2.json "$BUG" >/dev/null 2>&1
cmp -s p.json p2.json && pass || fail "two JSON results differ"

# --- reduction off: the same verdict, no fewer schedules ----------------
expect_status 0 "prove --no-reduction" "$MMFUZZ" prove --no-reduction --json n.json "$BUG"
[ "$(json .schedules n.json)" -ge "$(json .schedules p.json)" ] && pass || fail "naive ran fewer schedules than reduced"
[ "$(json .reduction n.json)" = false ] && pass || fail "JSON reduction flag"

# --- a budget that cuts the search is not a proof ------------------------
expect_status 4 "prove --max-schedules 3" "$MMFUZZ" prove --max-schedules 3 --json i.json "$SEED"
grep -q 'INCOMPLETE.*NOT a proof' "$TMP/out" && pass || fail "the cut is not said: $(cat "$TMP/out")"
grep -q 'no violation in any schedule with <= 2' "$TMP/out" && fail "a cut search claims the proof" || pass
[ "$(json .verdict i.json)" = incomplete ] && pass || fail "JSON verdict $(json .verdict i.json)"
[ "$(json .schedules i.json)" = 3 ] && pass || fail "ran $(json .schedules i.json) schedules, not 3"

# --- bad input: exit 2 ---------------------------------------------------
printf 'thread 0\n  frobnicate va=0\n' >bad.mmf
expect_status 2 "a file that does not parse" "$MMFUZZ" prove bad.mmf
expect_status 2 "a missing file" "$MMFUZZ" prove nothing-here.mmf
expect_status 2 "--preemptions x" "$MMFUZZ" prove --preemptions x "$SEED"
expect_status 2 "--preemptions 99" "$MMFUZZ" prove --preemptions 99 "$SEED"
expect_status 2 "--max-schedules 0" "$MMFUZZ" prove --max-schedules 0 "$SEED"
expect_status 2 "-o -" "$MMFUZZ" prove -o - "$SEED"
expect_status 2 "no file" "$MMFUZZ" prove

# --- smoke --preemptions: a proof per scenario, skipped over budget -----
expect_status 0 "smoke --preemptions 1" "$MMFUZZ" smoke --preemptions 1 --runs 200 \
	--json s.json --junit s.xml "$CORPUS/seeds/basic-cow.mmf" "$CORPUS/seeds/zero-page.mmf"
[ "$(json '[.testcases[] | select(.name == "prove-K1")] | length' s.json)" = 2 ] && pass || fail "smoke: not one proof per scenario"
[ "$(json '[.testcases[] | select(.name == "prove-K1" and .status == "passed")] | length' s.json)" = 2 ] &&
	pass || fail "smoke: the small proofs did not pass"
expect_status 0 "smoke over budget" "$MMFUZZ" smoke --preemptions 2 --runs 3 --json s3.json "$SEED"
[ "$(json '[.testcases[] | select(.status == "skipped")] | length' s3.json)" = 1 ] && pass || fail "smoke: an over-budget proof is not skipped"
grep -q 'skipped over budget' "$TMP/out" && pass || fail "smoke: the summary hides the skip"
"$MMFUZZ" smoke --preemptions 1 --runs 200 --junit s2.xml "$CORPUS/seeds/basic-cow.mmf" "$CORPUS/seeds/zero-page.mmf" >/dev/null 2>&1
cmp -s s.xml s2.xml && pass || fail "smoke's proofs are not deterministic"
expect_status 1 "smoke proves a bug" "$MMFUZZ" smoke --profile v5.7 --preemptions 0 --runs 1 --strategy random \
	--json s4.json -o sf "$BUG"
r=$(json '.testcases[] | select(.name == "prove-K0") | .reproducer' s4.json)
[ -n "$r" ] && [ "$(signature "$r")" = "$want" ] && pass || fail "smoke's proof reproducer '$r'"

finish prove
