#!/bin/sh
# SPDX-License-Identifier: MIT
# Acceptance 1 of bounded proofs: every violating line of the regression
# manifest, its own schedule ignored, proved on its buggy model: the
# smallest bound K that shows the violation (iterative context bounding
# stops there), and the schedules run to find it with partial-order
# reduction and without (the ratio). The naive run is capped by
# --max-schedules CAP ("> CAP" in the table where it ran out).
# A markdown table on stdout.
#   bench/prove_regress.sh MMFUZZ CORPUS_DIR [MAX_K] [CAP]
set -u
M=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
CORPUS=$(cd "$2" && pwd)
MAX_K=${3:-6}
CAP=${4:-2000000}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1
echo "| reproducer | model | expect | found | K | reduced | naive | ratio |"
echo "|---|---|---|---|---|---|---|---|"
grep -v '^#' "$CORPUS/regress/manifest.txt" | while read -r file model expect; do
	[ -n "$file" ] && [ "$expect" != clean ] || continue
	"$M" prove --profile "$model" --preemptions "$MAX_K" --json r.json -o r.mmf \
		"$CORPUS/regress/$file" >/dev/null 2>&1
	verdict=$(jq -r .verdict r.json)
	if [ "$verdict" != violation ]; then
		echo "| $file | $model | $expect | $verdict | - | $(jq -r .schedules r.json) | - | - |"
		continue
	fi
	k=$(jq -r .violation.k r.json)
	oracle=$(jq -r .violation.oracle r.json)
	reduced=$(jq -r .schedules r.json)
	"$M" prove --profile "$model" --preemptions "$k" --no-reduction --max-schedules "$CAP" \
		--json n.json -o n.mmf "$CORPUS/regress/$file" >/dev/null 2>&1
	naive_verdict=$(jq -r .verdict n.json)
	naive=$(jq -r .schedules n.json)
	if [ "$naive_verdict" = violation ]; then
		ratio=$(awk -v n="$naive" -v r="$reduced" 'BEGIN { printf "%.1f", n / r }')
	else
		naive="> $CAP"
		ratio="> $(awk -v n="$CAP" -v r="$reduced" 'BEGIN { printf "%.1f", n / r }')"
	fi
	echo "| $file | $model | $expect | $oracle | $k | $reduced | $naive | $ratio |"
done
