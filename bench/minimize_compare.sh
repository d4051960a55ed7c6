#!/bin/sh
# SPDX-License-Identifier: MIT
# mmfuzz minimize against libFuzzer's -minimize_crash=1 on the same files.
#   bench/minimize_compare.sh BUILD_DIR FILE[@MODEL]...
# A file runs on its own model (a saved finding, a text file with a
# `profile` line) or on the one after '@', e.g.
#   corpus/regress/dirty-cow.mmf@v4.8
# For each: ops and preemptions before -> after mmfuzz minimize (and its
# time), ops and preemptions after libFuzzer (LIBFUZZER_RUNS executions,
# default 10000, with MMFUZZ_ONLY set to the file's oracle:kind so that
# only the same signature counts as the crash), and whether each result
# still has the input's signature; then the medians side by side.
set -u
if [ $# -lt 2 ]; then
	echo "usage: $0 BUILD_DIR FILE[@MODEL]..." >&2
	exit 2
fi
BUILD=$1
shift
MMFUZZ=$BUILD/mmfuzz
FUZZER=$BUILD/mmfuzz-fuzzer
RUNS=${LIBFUZZER_RUNS:-10000}
for tool in "$MMFUZZ" "$FUZZER"; do
	if [ ! -x "$tool" ]; then
		echo "$0: $tool is not built" >&2
		exit 2
	fi
done
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

now() { date +%s.%N; }
ops() { "$MMFUZZ" print "$1" 2>/dev/null | grep -c '^  '; }
# Preemptions of a file's schedule on MODEL: a minimisation allowed one
# run reports them unchanged.
preemptions() {
	"$MMFUZZ" minimize --profile "$2" --runs 1 "$1" 2>&1 >/dev/null |
		sed -n 's/.*preemptions \([0-9]*\) -> .*/\1/p'
}
signature() { "$MMFUZZ" run --profile "$2" "$1" 2>/dev/null | sed -n 's/^[^:]*: mmfuzz: \([A-Z]* [^(]*\) (.*/\1/p'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "-" }'; }

printf '%-40s %-12s %9s %13s %7s %9s %13s %7s\n' file model ops preemptions time \
	"lf ops" "lf preempt" "lf time"
n=0
for arg in "$@"; do
	file=${arg%@*}
	model=
	[ "$file" != "$arg" ] && model=${arg##*@}
	if [ -z "$model" ]; then
		model=$("$MMFUZZ" print "$file" 2>/dev/null | sed -n 's/^profile //p')
		sets=$("$MMFUZZ" print "$file" 2>/dev/null | sed -n 's/^set /+/p' | tr -d '\n')
		model=$model$sets
	fi
	if [ -z "$model" ]; then
		echo "$0: $file names no model: give it as $file@MODEL" >&2
		exit 2
	fi
	n=$((n + 1))
	sig=$(signature "$file" "$model")
	case "$sig" in
	VIOLATION*) ;;
	*)
		echo "$file on $model: $sig (nothing to minimise), skipped"
		continue
		;;
	esac
	only=$(echo "$sig" | awk '{ print $2 ":" $3 }')
	# The bytes libFuzzer mutates: the binary input, wrapped with its model.
	"$MMFUZZ" compile --profile "$model" "$file" "$TMP/in-$n.bin" || exit 2

	t0=$(now)
	"$MMFUZZ" minimize --profile "$model" -o "$TMP/mm-$n.mmf" "$file" 2>"$TMP/mm-$n.err" >/dev/null
	t1=$(now)
	(cd "$TMP" && MMFUZZ_PROFILE=$model MMFUZZ_ONLY=$only "$FUZZER" -minimize_crash=1 \
		-runs="$RUNS" -exact_artifact_path="$TMP/lf-$n.bin" "$TMP/in-$n.bin" \
		>"$TMP/lf-$n.log" 2>&1)
	t2=$(now)
	[ -s "$TMP/lf-$n.bin" ] || cp "$TMP/in-$n.bin" "$TMP/lf-$n.bin"

	ops_in=$(ops "$file")
	pre_in=$(preemptions "$TMP/in-$n.bin" "$model")
	ops_mm=$(ops "$TMP/mm-$n.mmf")
	pre_mm=$(preemptions "$TMP/mm-$n.mmf" "$model")
	ops_lf=$(ops "$TMP/lf-$n.bin")
	pre_lf=$(preemptions "$TMP/lf-$n.bin" "$model")
	keep_mm=; [ "$(signature "$TMP/mm-$n.mmf" "$model")" = "$sig" ] || keep_mm='!'
	keep_lf=; [ "$(signature "$TMP/lf-$n.bin" "$model")" = "$sig" ] || keep_lf='!'
	printf '%-40s %-12s %4s->%-4s %6s->%-6s %6.2fs %4s%-5s %13s %6.2fs\n' \
		"$(basename "$file")" "$model" "$ops_in" "$ops_mm$keep_mm" "$pre_in" "$pre_mm" \
		"$(awk "BEGIN { print $t1 - $t0 }")" "$ops_lf" "$keep_lf" "$pre_lf" "$(awk "BEGIN { print $t2 - $t1 }")"
	echo "$ops_in $ops_mm $ops_lf $pre_in $pre_mm $pre_lf" >>"$TMP/rows"
done
[ -s "$TMP/rows" ] || exit 0
col() { cut -d' ' -f"$1" "$TMP/rows" | median; }
echo
echo "medians over $(wc -l <"$TMP/rows") files:"
echo "  ops:         before $(col 1), mmfuzz minimize $(col 2), libFuzzer -minimize_crash $(col 3)"
echo "  preemptions: before $(col 4), mmfuzz minimize $(col 5), libFuzzer -minimize_crash $(col 6)"
echo "('!' after a count: the result lost the input's signature)"
