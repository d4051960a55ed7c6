#!/bin/sh
# Campaign findings: one folder per signature, resumable campaigns,
# summary.json agreeing with the folders.
#  1. a v5.7 campaign finds fork-isolation: its folder holds the first
#     reproducer (self-describing: copied alone, it replays with no flags),
#     report.txt; summary.json parses and agrees with the folders;
#  2. a second campaign on the same folders announces no known signature
#     as FINDING, lists the known ones apart, files a planted duplicate
#     into duplicates/, and exits 0 (nothing new);
#  3. a planted staged file that replays clean is never announced or
#     counted, and is kept in unreproducible/;
#  4. a --set campaign goes to its own folder, findings/v5.9+wp.reuse=mapcount/;
#  5. --jobs 2 leaves one folder per signature, no stray crash files.
#   findings.sh BUILD_DIR CORPUS_DIR
set -u
B=$(cd "$1" && pwd) || exit 2
CORPUS=$(cd "$2" && pwd) || exit 2
M=$B/mmfuzz
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
unset MMFUZZ_PROFILE
export MMFUZZ_SEEDS="$CORPUS/seeds"
. "$(dirname "$0")/lib.sh"
# check WHAT COMMAND...: the command must succeed
check() {
	what=$1
	shift
	if "$@" >/dev/null; then ok; else fail "$what"; fi
}

# agrees DIR: summary.json parses, names exactly the signature folders,
# and each entry's files are exactly the inputs in its folder.
agrees() {
	dir=$1
	jq -e '.signatures' "$dir/summary.json" >/dev/null || return 1
	disk=$(cd "$dir" && find . -mindepth 1 -maxdepth 1 -type d ! -name '.*' \
		! -name unreproducible | sed 's|^\./||' | sort)
	json=$(jq -r '.signatures[].signature' "$dir/summary.json" | sort)
	if [ "$disk" != "$json" ]; then
		echo "  folders: $disk" >&2
		echo "  summary: $json" >&2
		return 1
	fi
	for s in $json; do
		listed=$(jq -r --arg s "$s" '.signatures[] | select(.signature == $s) | .files[]' \
			"$dir/summary.json" | sort)
		count=$(jq -r --arg s "$s" '.signatures[] | select(.signature == $s) | .count' \
			"$dir/summary.json")
		repro=$(jq -r --arg s "$s" '.signatures[] | select(.signature == $s) | .reproducer' \
			"$dir/summary.json")
		files=$(cd "$dir" && find "$s" -type f ! -name '.*' ! -name report.txt \
			! -name minimized.mmf | sort)
		if [ "$listed" != "$files" ] || [ "$count" -ne "$(echo "$files" | wc -l)" ] ||
			[ ! -f "$dir/$repro" ] || [ ! -f "$dir/$s/report.txt" ]; then
			echo "  $s: summary lists [$listed] ($count), folder holds [$files]" >&2
			return 1
		fi
	done
}

# no_strays DIR: every crash file is filed (none staged or at the top).
no_strays() {
	[ -d "$1/.incoming" ] || return 1
	strays=$(find "$1" -maxdepth 1 -name 'crash-*'; find "$1/.incoming" -name 'crash-*')
	[ -z "$strays" ] || { echo "  unfiled: $strays" >&2; return 1; }
}

mkdir -p "$TMP/a" "$TMP/b"
cd "$TMP/a" || exit 2
V57=findings/v5.7

# 1. A first campaign.
"$M" fuzz --profile v5.7 --time 12 --seed 1 --only fork-isolation >log1 2>&1
status=$?
sig=$(jq -r '[.signatures[] | select(.oracle == "fork-isolation")][0].signature // empty' \
	"$V57/summary.json" 2>/dev/null)
if [ "$status" -eq 1 ] && [ -n "$sig" ] &&
	grep -q "FINDING mmfuzz: VIOLATION fork-isolation" log1; then
	ok
else
	fail "1: v5.7 campaign did not find fork-isolation (exit $status)"
	grep -v execs log1 | tail -20
fi
check "1: summary.json agrees with the folders" agrees "$V57"
check "1: no unfiled crash files" no_strays "$V57"
repro=$(jq -r --arg s "$sig" '.signatures[] | select(.signature == $s) | .reproducer' \
	"$V57/summary.json" 2>/dev/null)
if [ -n "$sig" ] && grep -q "^mmfuzz: VIOLATION fork-isolation" "$V57/$sig/report.txt" &&
	grep -q "^== trace" "$V57/$sig/report.txt"; then
	ok
else
	fail "1: $V57/$sig/report.txt is not the replay of the violation"
fi
mkdir alone
cp "$V57/$repro" alone/ 2>/dev/null
(cd alone && "$M" replay "$(basename "$repro")" >../alone.log 2>&1)
if [ $? -eq 1 ] && grep -q "VIOLATION fork-isolation .*profile=v5.7" alone.log &&
	! grep -q warning alone.log; then
	ok
else
	fail "1: the reproducer copied alone does not replay with no flags"
	tail -5 alone.log
fi
replay=$(jq -r --arg s "$sig" '.signatures[] | select(.signature == $s) | .replay' \
	"$V57/summary.json" 2>/dev/null)
check "1: summary's replay command is 'mmfuzz replay FILE'" \
	test "$replay" = "mmfuzz replay $V57/$repro"
first_seen=$(jq -r '.signatures[0].first_seen' "$V57/summary.json" 2>/dev/null)
check "1: first_seen is ISO 8601 UTC ($first_seen)" \
	expr "$first_seen" : '[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z$'

# 2 and 3. A second campaign on the same folders, hunting only what is
# known (so nothing new can be found), with a duplicate of a known
# signature and a file that replays clean planted in the staging place.
n1=$(jq '.signatures | length' "$V57/summary.json")
known=$(jq -r '[.signatures[] | .oracle + ":" + .kind] | join(",")' "$V57/summary.json")
count=$(jq -r --arg s "$sig" '.signatures[] | select(.signature == $s) | .count' \
	"$V57/summary.json")
cp "$V57/$repro" "$V57/.incoming/crash-planted-duplicate"
printf 'thread 0\n  write va=0 word=0\n' >clean.mmf
"$M" compile clean.mmf "$V57/.incoming/crash-planted-clean"
"$M" fuzz --profile v5.7 --time 5 --seed 2 --only "$known" >log2 2>&1
status=$?
# Not 0: it filed a crash file that replays clean (planted below), which
# is neither clean nor a known bug.
check "2: second campaign exits 2 (exit $status)" test "$status" -eq 2
if grep -q FINDING log2; then
	fail "2: second campaign announced a known signature"
	grep FINDING log2
else
	ok
fi
if grep -q "known signatures met again" log2 && grep -q "^  $sig: met [1-9]" log2; then
	ok
else
	fail "2: known signatures are not listed apart"
	grep -v execs log2
fi
check "2: the planted duplicate is in $sig/duplicates/" \
	test -f "$V57/$sig/duplicates/crash-planted-duplicate"
count2=$(jq -r --arg s "$sig" '.signatures[] | select(.signature == $s) | .count' \
	"$V57/summary.json")
check "2: its count went from $count to $count2" test "$count2" -eq $((count + 1))
check "2: summary.json agrees with the folders" agrees "$V57"
check "3: the clean file is kept in unreproducible/" \
	test -f "$V57/unreproducible/crash-planted-clean"
check "3: the summary says it replays clean" grep -q "1 file(s) replay clean" log2
n2=$(jq '.signatures | length' "$V57/summary.json")
if grep -q "planted-clean" log2 || [ "$n2" -ne "$n1" ]; then
	fail "3: the clean file was announced or counted ($n1 -> $n2 signatures)"
else
	ok
fi
check "3: summary.json lists it as unreproducible" \
	jq -e '.unreproducible == ["unreproducible/crash-planted-clean"]' "$V57/summary.json"

# 4. A model with a switch has its own folder.
"$M" fuzz --profile v5.9 --set wp.reuse=mapcount --time 3 --seed 1 >log4 2>&1
status=$?
if [ "$status" -le 1 ] && agrees "findings/v5.9+wp.reuse=mapcount" && [ ! -d findings/v5.9 ] &&
	grep -q "campaign on model v5.9+wp.reuse=mapcount" log4; then
	ok
else
	fail "4: --set campaign did not use findings/v5.9+wp.reuse=mapcount/ (exit $status)"
	ls findings
fi
m=$(jq -r '.signatures[0].reproducer // empty' "findings/v5.9+wp.reuse=mapcount/summary.json")
if [ -z "$m" ] || "$M" print "findings/v5.9+wp.reuse=mapcount/$m" | grep -q "set wp.reuse=mapcount"; then
	ok
else
	fail "4: its reproducer does not name its model"
fi

# 5. Several jobs: the crash files fork mode leaves are all filed.
cd "$TMP/b" || exit 2
"$M" fuzz --profile v5.7 --time 12 --seed 3 --jobs 2 >log5 2>&1
status=$?
n=$(jq '.signatures | length' "$V57/summary.json" 2>/dev/null)
files=$(jq '[.signatures[].count] | add' "$V57/summary.json" 2>/dev/null)
if [ "$status" -eq 1 ] && [ "${n:-0}" -gt 0 ]; then
	ok
	echo "  --jobs 2, 12 s: $n signature folder(s), $files file(s)"
else
	fail "5: --jobs 2 campaign found nothing (exit $status)"
	grep -v execs log5 | tail -10
fi
check "5: no unfiled crash files" no_strays "$V57"
check "5: summary.json agrees with the folders" agrees "$V57"

finish findings
