#!/bin/sh
# `mmfuzz smoke`, as CI runs it:
#  1. latest, default budget, twice (once under `setarch -R`, address
#     randomisation off): clean, and byte-identical text, JUnit and JSON;
#     the JUnit validates against tests/junit.xsd, jq reads the JSON;
#  2. v5.7 fails with fork-isolation; the JUnit failure names the saved
#     reproducer and `mmfuzz replay` of it, which gives the same signature;
#  3. each era profile (v*) shows its catalogued bugs: every oracle the
#     manifest expects on it is found by exploration (a strategy's test
#     case, not a reproducer's own schedule) or, for a bug that needs a few
#     precise preemptions, by a bounded proof of the reproducer with its
#     schedule ignored (`prove --preemptions 3`); and nothing is reported
#     that the manifest does not catalogue;
#  4. a bug no fixed schedule shows (latest with O_DIRECT back on FOLL_GET)
#     is caught by the strategies only;
#  5. bad usage exits 2.
#   ci_smoke.sh MMFUZZ CORPUS_DIR
set -u
M=$1
C=$(cd "$2" && pwd)
XSD=$(cd "$(dirname "$0")" && pwd)/junit.xsd
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$TMP" || exit 1

for tool in jq xmllint setarch; do
	command -v "$tool" >/dev/null ||
		fail "$tool is missing (scripts/install-deps.sh installs it)"
done

now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# ---- 1. latest, twice ----
mkdir a b
start=$(now)
(cd a && "$M" smoke --junit smoke.xml --json smoke.json >out.txt 2>err.txt)
status=$?
end=$(now)
(cd b && setarch "$(uname -m)" -R "$M" smoke --junit smoke.xml --json smoke.json \
	>out.txt 2>err.txt)
status_b=$?
echo "latest, default budget: $(seconds "$start" "$end") s: $(tail -1 a/out.txt)"
if [ "$status" -eq 0 ] && [ "$status_b" -eq 0 ] && grep -q "^smoke: .* 0 failed" a/out.txt; then
	pass
else
	fail "smoke on latest: exit $status and $status_b (expected 0)"
	cat a/out.txt a/err.txt
fi
for f in out.txt smoke.xml smoke.json; do
	if cmp -s "a/$f" "b/$f"; then pass; else fail "$f differs under setarch -R"; fi
done
if xmllint --noout --schema "$XSD" a/smoke.xml 2>a/xmllint.txt; then
	pass
else
	fail "the JUnit XML does not validate"
	head -5 a/xmllint.txt
fi
tests=$(jq -r '.tests' a/smoke.json)
schedules=$(jq -r '.schedules' a/smoke.json)
if [ "$tests" -gt 100 ] && [ "$schedules" -gt 100000 ] &&
	[ "$(jq -r '.failures' a/smoke.json)" -eq 0 ] &&
	grep -q "<testsuites name=\"mmfuzz smoke\" tests=\"$tests\" failures=\"0\"" a/smoke.xml; then
	pass
else
	fail "JSON and JUnit disagree, or too little ran ($tests cases, $schedules schedules)"
fi

# ---- 2. v5.7 ----
mkdir v57
start=$(now)
(cd v57 && "$M" smoke --profile v5.7 --junit smoke.xml --json smoke.json >out.txt 2>&1)
status=$?
echo "v5.7, default budget: $(seconds "$start" "$(now)") s: $(tail -1 v57/out.txt)"
if [ "$status" -eq 1 ]; then pass; else fail "smoke on v5.7 exited $status (expected 1)"; fi
if xmllint --noout --schema "$XSD" v57/smoke.xml 2>/dev/null; then
	pass
else
	fail "the v5.7 JUnit XML does not validate"
fi
# Its failures, one line per failed test case, as JSON counts them.
if [ "$(grep -c '^FAIL ' v57/out.txt)" -eq "$(jq -r '.failures' v57/smoke.json)" ]; then
	pass
else
	fail "the text does not have one FAIL line per failed test case"
fi
repro=$(jq -r '[.testcases[] | select(.oracle == "fork-isolation" and .strategy)][0].reproducer' \
	v57/smoke.json)
message=$(jq -r '[.testcases[] | select(.oracle == "fork-isolation" and .strategy)][0].message' \
	v57/smoke.json)
if [ "$repro" != null ] && grep -q "type=\"fork-isolation\"" v57/smoke.xml &&
	grep -qF "replay: mmfuzz replay $repro" v57/smoke.xml; then
	pass
else
	fail "no fork-isolation failure naming its replay command in the v5.7 JUnit"
fi
# The reproducer replays anywhere: copied out of smoke's folder, no options.
if [ "$repro" != null ] && cp "v57/$repro" moved.mmf; then
	"$M" replay moved.mmf >replay.txt 2>&1
	status=$?
	if [ "$status" -eq 1 ] && grep -qxF "mmfuzz: $message" replay.txt; then
		pass
	else
		fail "mmfuzz replay $repro: exit $status, not '$message'"
	fi
else
	fail "no fork-isolation reproducer to replay"
fi

# ---- 3. the era profiles show their catalogued bugs ----
manifest="$C/regress/manifest.txt"
catalogued=$(awk '!/^#/ && NF == 3 && $3 != "clean" { print $3 }' "$manifest" | sort -u)
eras=$("$M" profiles | grep -E '^v[0-9]' | cut -d' ' -f1)
if [ -n "$eras" ]; then pass; else fail "no era profiles listed by mmfuzz profiles"; fi
# proved PROFILE ORACLE: a bounded proof of a reproducer the manifest
# expects ORACLE from on PROFILE finds it.
proved() {
	for f in $(awk -v p="$1" -v o="$2" '!/^#/ && $2 == p && $3 == o { print $1 }' \
		"$manifest"); do
		"$M" prove --preemptions 3 --max-schedules 20000 --profile "$1" \
			-o "proof-$1-$f" "$C/regress/$f" >"proof-$1-$f.txt" 2>&1
		if [ $? -eq 1 ] && grep -q "VIOLATION $2 " "proof-$1-$f.txt"; then
			echo "  $1: $2 found by a bounded proof of $f"
			return 0
		fi
	done
	return 1
}
# check_era PROFILE STATUS EXPECTED EXPLORED REPORTED
check_era() {
	era_failed=$failed
	if [ -z "$3" ]; then
		# An era where every catalogued bug is fixed (v6.5) must run clean.
		[ "$2" -eq 0 ] || fail "smoke on $1 exited $2 (expected 0: the manifest expects no bug)"
		[ -z "$5" ] || fail "$1: reported $(echo "$5" | tr '\n' ' ')but the manifest expects no bug"
		if [ "$failed" -eq "$era_failed" ]; then pass; fi
		return
	fi
	[ "$2" -eq 1 ] || fail "smoke on $1 exited $2 (expected 1)"
	for o in $3; do
		echo "$4" | grep -qx "$o" || proved "$1" "$o" ||
			fail "$1: no strategy, and no bounded proof, found $o"
	done
	for o in $5; do
		echo "$catalogued" | grep -qx "$o" || fail "$1: $o is in no line of the manifest"
	done
	if [ "$failed" -eq "$era_failed" ]; then pass; fi
}
start=$(now)
for p in $eras; do
	"$M" smoke --profile "$p" --runs 300 --json "$p.json" "$C/seeds" "$C/regress" \
		>"$p.txt" 2>&1
	status=$?
	expected=$(awk -v p="$p" '!/^#/ && $2 == p && $3 != "clean" { print $3 }' "$manifest" |
		sort -u)
	explored=$(jq -r '.testcases[] | select(.status == "failed" and .strategy) | .oracle' \
		"$p.json" | sort -u)
	reported=$(jq -r '.testcases[] | select(.status == "failed") | .oracle' "$p.json" |
		sort -u)
	check_era "$p" "$status" "$expected" "$explored" "$reported"
	echo "  $p: expected $(echo "$expected" | tr '\n' ' '); explored: $(echo "$explored" | tr '\n' ' ')"
done
echo "era profiles: $(seconds "$start" "$(now)") s"

# ---- 4. a bug no fixed schedule shows ----
mkdir odirect
(cd odirect && "$M" smoke --set io.odirect_ref=get --runs 5000 --json smoke.json "$C" \
	"$C/regress" >out.txt 2>&1)
status=$?
fixed=$(jq -r '[.testcases[] | select(.status == "failed" and (.strategy | not))] | length' \
	odirect/smoke.json)
found=$(jq -r '[.testcases[] | select(.status == "failed" and .strategy)][0]' odirect/smoke.json)
if [ "$status" -eq 1 ] && [ "$fixed" -eq 0 ] &&
	[ "$(printf "%s\n" "$found" | jq -r .oracle)" = fork-isolation ]; then
	pass
	echo "latest+io.odirect_ref=get: every fixed schedule clean;" \
		"$(printf "%s\n" "$found" | jq -r '"\(.strategy) finds \(.verdict) at schedule \(.schedules)"')"
else
	fail "latest+io.odirect_ref=get: exit $status, $fixed fixed-schedule failures"
	cat odirect/out.txt
fi
repro=$(printf "%s\n" "$found" | jq -r .reproducer)
if [ -f "odirect/$repro" ] && "$M" replay "odirect/$repro" 2>&1 |
	grep -qxF "mmfuzz: $(printf "%s\n" "$found" | jq -r .message)"; then
	pass
else
	fail "odirect/$repro does not replay to its signature"
fi

# ---- 5. usage ----
usage() {
	"$M" smoke "$@" >usage.txt 2>&1
	status=$?
	if [ "$status" -eq 2 ] && [ -s usage.txt ]; then
		pass
	else
		fail "smoke $*: exit $status (expected 2 with a message)"
	fi
}
usage --runs 0
usage --runs abc
usage --profile v9.9
usage --set no.such=switch
usage "$TMP/no-such-file.mmf"
usage --junit "$TMP/no/such/dir/smoke.xml" "$C/seeds/basic-cow.mmf"
mkdir empty
usage empty
mkdir -p corpus/regress
cp "$C"/regress/*.mmf corpus/regress/
printf 'dirty-cow.mmf v4.8\n' >corpus/regress/manifest.txt
usage corpus
printf 'dirty-cow.mmf v4.8 no-such-oracle\n' >corpus/regress/manifest.txt
usage corpus
# JUnit on stdout: the text goes to stderr, the XML stays valid.
if "$M" smoke --runs 10 --junit - "$C/seeds" 2>/dev/null | xmllint --noout --schema "$XSD" - \
	2>/dev/null; then
	pass
else
	fail "--junit - does not write valid JUnit XML alone on stdout"
fi

finish ci_smoke
