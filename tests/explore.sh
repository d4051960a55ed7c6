#!/bin/sh
# mmfuzz explore --strategy: every strategy finds a known regression bug in
# a reproducer whose schedule was removed, saves it as an input whose
# schedule bytes replay it, finds nothing on a fixed model, and gives the
# same output for the same seed; bad strategy names are usage errors (also
# for smoke --strategy).
#   tests/explore.sh MMFUZZ CORPUS_DIR
set -u
M=$1 CORPUS=$2
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

# Parallel MADV_DONTNEED (docs/bugs.md B4c): tlb-lifetime on v4.8, fixed
# since 4.13. Without its schedule it runs clean: the strategies must find
# the interleaving themselves.
BUG=tlb-lifetime BUGGY=v4.8 FIXED=latest
grep -v '^schedule' "$CORPUS/regress/parallel-dontneed.mmf" >"$W/scenario.mmf"
if grep -q "^parallel-dontneed.mmf  *$BUGGY  *$BUG\$" "$CORPUS/regress/manifest.txt"; then
	pass
else
	fail "manifest no longer says parallel-dontneed.mmf is $BUG on $BUGGY"
fi
if "$M" run --profile "$BUGGY" "$W/scenario.mmf" >"$W/own" 2>&1; then
	pass
else
	fail "the scenario without its schedule is not clean on $BUGGY"
fi

for s in bytes random pct2 pct3 pos surw; do
	"$M" explore --profile "$BUGGY" --strategy "$s" --seed 7 --runs 3000 -o "$W/$s.mmf" \
		"$W/scenario.mmf" >"$W/$s.out" 2>"$W/$s.err"
	rc=$?
	sig=$(grep -m1 '^mmfuzz: VIOLATION' "$W/$s.out")
	if [ $rc -eq 1 ] && echo "$sig" | grep -q "^mmfuzz: VIOLATION $BUG "; then
		pass
	else
		fail "$s: exit $rc, expected $BUG on $BUGGY: $(head -2 "$W/$s.out" "$W/$s.err")"
		continue
	fi
	if grep -q "^saved as $W/$s.mmf" "$W/$s.out" && [ -s "$W/$s.mmf" ]; then
		pass
	else
		fail "$s: not saved: $(cat "$W/$s.err")"
		continue
	fi
	# The saved schedule bytes replay it: same signature, from the file alone.
	"$M" replay "$W/$s.mmf" >"$W/$s.replay" 2>&1
	rc=$?
	if [ $rc -eq 1 ] && [ "$(grep -m1 '^mmfuzz: VIOLATION' "$W/$s.replay")" = "$sig" ]; then
		pass
	else
		fail "$s: replay of the saved file gave exit $rc: $(grep -m1 '^mmfuzz:' "$W/$s.replay")"
	fi
	# Same seed, same output and the same file.
	"$M" explore --profile "$BUGGY" --strategy "$s" --seed 7 --runs 3000 -o "$W/$s.again.mmf" \
		"$W/scenario.mmf" >"$W/$s.again" 2>&1
	sed "s|$W/$s.again.mmf|$W/$s.mmf|g" "$W/$s.again" >"$W/$s.again.out"
	if cmp -s "$W/$s.out" "$W/$s.again.out" && cmp -s "$W/$s.mmf" "$W/$s.again.mmf"; then
		pass
	else
		fail "$s: two runs with seed 7 differ"
	fi
	# The fixed model stays clean.
	"$M" explore --profile "$FIXED" --strategy "$s" --seed 3 --runs 2000 "$W/scenario.mmf" \
		>"$W/$s.fixed" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && grep -q "no violation in 2000 .* schedules (seed 3) on $FIXED" \
		"$W/$s.fixed"; then
		pass
	else
		fail "$s on $FIXED: exit $rc: $(head -1 "$W/$s.fixed")"
	fi
done

# pct-depth-N is pctN.
"$M" explore --profile "$BUGGY" --strategy pct-depth-2 --seed 7 --runs 3000 "$W/scenario.mmf" \
	>"$W/alias" 2>&1
"$M" explore --profile "$BUGGY" --strategy pct2 --seed 7 --runs 3000 "$W/scenario.mmf" \
	>"$W/plain" 2>&1
if cmp -s "$W/alias" "$W/plain"; then pass; else fail "pct-depth-2 and pct2 differ"; fi

# Bad names: exit 2, the known names listed, nothing run.
for bad in bogus pct0 pct18 pct2x ""; do
	"$M" explore --strategy "$bad" "$W/scenario.mmf" >"$W/bad.out" 2>"$W/bad.err"
	rc=$?
	if [ $rc -eq 2 ] && grep -q "unknown strategy '$bad'" "$W/bad.err" &&
		grep -q 'bytes, random, pct2, pct3.*pos, surw' "$W/bad.err" && [ ! -s "$W/bad.out" ]; then
		pass
	else
		fail "explore --strategy '$bad': exit $rc: $(cat "$W/bad.err")"
	fi
done
for bad in bogus random,bogus random,random random,,pos; do
	"$M" smoke --runs 10 --strategy "$bad" "$W/scenario.mmf" >"$W/bad.out" 2>"$W/bad.err"
	rc=$?
	if [ $rc -eq 2 ] && grep -q 'pos, surw' "$W/bad.err"; then
		pass
	else
		fail "smoke --strategy '$bad': exit $rc: $(cat "$W/bad.err")"
	fi
done
# smoke --strategy: exactly the strategies named, each a test case.
"$M" smoke --runs 200 --profile "$BUGGY" --strategy pos,surw --json "$W/smoke.json" \
	-o "$W/smoke-findings" "$W/scenario.mmf" >"$W/smoke.out" 2>&1
rc=$?
names=$(jq -r '[.strategies[]] + [.testcases[] | .strategy // empty] | join(" ")' \
	"$W/smoke.json" 2>/dev/null)
if [ $rc -eq 1 ] && [ "$names" = "pos surw pos surw" ]; then
	pass
else
	fail "smoke --strategy pos,surw: exit $rc, strategies and cases: $names"
fi

finish explore
