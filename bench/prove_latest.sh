#!/bin/sh
# SPDX-License-Identifier: MIT
# Acceptance 2 of bounded proofs: `prove --preemptions K` (default 2) on
# latest for every seed scenario and every regression program (each file
# once, its own schedule ignored). The cheap ones first: a first pass
# gives each FIRST seconds (default 20); those it cuts get a second pass
# of LIMIT seconds (default 600). PROVE_FLAGS adds options (e.g.
# --no-reduction). A markdown table on stdout: threads, ops, longest
# execution (steps), verdict, schedules, classes, seconds (wall clock on
# a shared machine: rough).
#   bench/prove_latest.sh MMFUZZ CORPUS_DIR [K] [LIMIT] [FIRST]
set -u
M=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
CORPUS=$(cd "$2" && pwd)
K=${3:-2}
LIMIT=${4:-600}
FIRST=${5:-20}
FLAGS=${PROVE_FLAGS:-}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1

files() {
	ls "$CORPUS"/seeds/*.mmf
	grep -v '^#' "$CORPUS/regress/manifest.txt" | awk 'NF == 3 { print $1 }' | sort -u |
		sed "s|^|$CORPUS/regress/|"
}

# prove_timed FILE SECONDS: prove on latest within that time; leaves
# r.json (none on a timeout) and the seconds taken in $seconds.
prove_timed() {
	f=$1
	rm -f r.json
	start=$(date +%s.%N)
	# shellcheck disable=SC2086
	timeout "$2" "$M" prove --profile latest --preemptions "$K" --json r.json $FLAGS "$f" \
		>/dev/null 2>&1
	status=$?
	end=$(date +%s.%N)
	seconds=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }')
}

row() { # FILE TIME_LIMIT
	name=${1#"$CORPUS"/}
	threads=$("$M" print "$1" 2>/dev/null | grep -c '^thread')
	ops=$("$M" print "$1" 2>/dev/null | grep -c '^  ')
	if [ -s r.json ]; then
		echo "| $name | $threads | $ops | $(jq -r '[.bounds[].max_steps] | max' r.json) |" \
			"$(jq -r .verdict r.json) | $(jq -r .schedules r.json) |" \
			"$(jq -r .classes r.json) | $seconds |"
	else
		echo "| $name | $threads | $ops | - | did not finish in $2 s (exit $status) |" \
			"- | - | $seconds |"
	fi
}

echo "| program | threads | ops | max steps | verdict | schedules | classes | seconds |"
echo "|---|---|---|---|---|---|---|---|"
: >later
for f in $(files); do
	prove_timed "$f" "$FIRST"
	if [ -s r.json ]; then
		row "$f" "$FIRST"
	else
		echo "$f" >>later
	fi
done
while read -r f; do
	prove_timed "$f" "$LIMIT"
	row "$f" "$LIMIT"
done <later
