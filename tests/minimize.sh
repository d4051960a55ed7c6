#!/bin/sh
# SPDX-License-Identifier: MIT
# mmfuzz minimize: every violating line of the regression manifest keeps
# its signature (oracle, kind, model), replays identically, and gets no
# bigger; a few reductions that must happen; exit statuses and output.
#   minimize.sh MMFUZZ CORPUS_DIR
set -u
MMFUZZ=$1
CORPUS=$2
REGRESS=$CORPUS/regress
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$(dirname "$0")/lib.sh"

# The op lines of any input file (the text format indents them by two).
ops() { "$MMFUZZ" print "$1" 2>/dev/null | grep -c '^  '; }
# "VIOLATION oracle kind profile=..." of one run.
signature() { "$MMFUZZ" run "$@" 2>/dev/null | sed -n 's/^[^:]*: mmfuzz: \(VIOLATION [^(]*\) (.*/\1/p'; }
# A field of the summary line: "ops 10 -> 6" -> "10 6".
summary_field() { sed -n "s/.*$1 \([0-9]*\) -> \([0-9]*\).*/\1 \2/p" "$2"; }

# --- every violating manifest line -------------------------------------
lines=0
grep -v '^#' "$REGRESS/manifest.txt" | while read -r file model expect; do
	[ -n "$file" ] && [ "$expect" != clean ] && echo "$file $model $expect"
done >"$TMP/lines"

while read -r file model expect; do
	lines=$((lines + 1))
	in=$REGRESS/$file
	out=$TMP/min-$lines.mmf
	before=$(signature --profile "$model" "$in")
	"$MMFUZZ" minimize --profile "$model" -o "$out" "$in" >"$TMP/stdout" 2>"$TMP/stderr"
	status=$?
	if [ "$status" -ne 1 ] || [ -s "$TMP/stdout" ] || ! grep -q "^minimize: $expect " "$TMP/stderr"; then
		fail "minimize $file on $model: exit $status, $(cat "$TMP/stderr")"
		continue
	fi
	# The file names its model: no --profile needed to replay it.
	after=$(signature "$out")
	case "$before" in
	"VIOLATION $expect "*) ;;
	*) before="(not $expect) $before" ;;
	esac
	if [ "$after" = "$before" ]; then pass; else
		fail "$file on $model: '$before' became '$after'"
	fi
	if "$MMFUZZ" run --repeat 100 "$out" | grep -q "identical 100/100"; then pass; else
		fail "$file on $model: the result does not replay 100/100"
	fi
	n_in=$(ops "$in") n_out=$(ops "$out")
	if [ "$n_out" -le "$n_in" ] && summary_field ops "$TMP/stderr" | grep -qx "$n_in $n_out"; then
		pass
	else
		fail "$file on $model: ops $n_in -> $n_out, summary: $(cat "$TMP/stderr")"
	fi
	summary_field ops "$TMP/stderr" >>"$TMP/ops"
	summary_field preemptions "$TMP/stderr" >>"$TMP/preemptions"
done <"$TMP/lines"
echo "minimize: $(wc -l <"$TMP/lines") manifest lines minimised"

# Medians, for the record (not a check).
median() { sort -n | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "-" }'; }
echo "minimize: median ops $(cut -d' ' -f1 "$TMP/ops" | median) -> $(cut -d' ' -f2 "$TMP/ops" | median)," \
	"preemptions $(cut -d' ' -f1 "$TMP/preemptions" | median) -> $(cut -d' ' -f2 "$TMP/preemptions" | median)"

# --- reductions that must happen ---------------------------------------
CHILD=$REGRESS/cve-2020-29374-child.mmf
"$MMFUZZ" minimize --profile v5.7 "$CHILD" >"$TMP/child.mmf" 2>"$TMP/child.err"
# The leak needs the parent's write, fork, the parent's write again, and
# in the child vmsplice, munmap and pipe-read: the waits and signals that
# order them by hand become two switches.
if [ "$(ops "$TMP/child.mmf")" -lt "$(ops "$CHILD")" ] && [ "$(ops "$TMP/child.mmf")" -le 6 ]; then
	pass
else fail "cve-2020-29374-child on v5.7 kept $(ops "$TMP/child.mmf") ops"; fi
for op in vmsplice munmap pipe-read fork; do
	if grep -q "^  $op" "$TMP/child.mmf"; then pass; else
		fail "cve-2020-29374-child lost its $op"
	fi
done
# Stdout is the input and nothing else: it runs as it is, on its model.
if head -1 "$TMP/child.mmf" | grep -qx "profile v5.7" &&
	"$MMFUZZ" run "$TMP/child.mmf" | grep -q "VIOLATION fork-isolation pipe-read profile=v5.7"; then
	pass
else fail "stdout of minimize is not a runnable input on v5.7"; fi
# Same input, same result.
if "$MMFUZZ" minimize --profile v5.7 "$CHILD" 2>/dev/null | cmp -s - "$TMP/child.mmf"; then
	pass
else fail "two minimisations of the same input differ"; fi

# Seven preemptions in the saved schedule; two are enough. Since issue 15
# it violates only under the never-shipped flush rule (see the manifest).
PROTECT=$REGRESS/uffd-wp-concurrent-protect.mmf
"$MMFUZZ" minimize --profile v5.19+mprotect.flush=changed "$PROTECT" >/dev/null 2>"$TMP/protect.err"
read -r pre_in pre_out <<EOF
$(summary_field preemptions "$TMP/protect.err")
EOF
if [ "${pre_in:-0}" -gt 2 ] && [ "${pre_out:-99}" -le 2 ]; then pass; else
	fail "uffd-wp-concurrent-protect preemptions ${pre_in:-?} -> ${pre_out:-?}"
fi
read -r threads_in threads_out <<EOF
$(summary_field threads "$TMP/protect.err")
EOF
if [ "${threads_out:-99}" -lt "${threads_in:-0}" ]; then pass; else
	fail "uffd-wp-concurrent-protect threads ${threads_in:-?} -> ${threads_out:-?}"
fi

# --- output formats, bounds, statuses ----------------------------------
# Not ending in .mmf: the binary wrapper, with the model.
"$MMFUZZ" minimize --profile v5.7 -o "$TMP/child.bin" "$CHILD" 2>/dev/null
if [ "$(head -c 4 "$TMP/child.bin" | od -An -tx1 | tr -d ' ')" = 894d4d46 ] &&
	"$MMFUZZ" run "$TMP/child.bin" | grep -q "VIOLATION fork-isolation pipe-read profile=v5.7"; then
	pass
else fail "-o child.bin is not a wrapped binary that replays on v5.7"; fi
# A model given as PROFILE+SWITCH is kept canonical in the result.
"$MMFUZZ" minimize --profile "v5.9+wp.reuse=mapcount" "$CHILD" 2>/dev/null >"$TMP/mapcount.mmf"
if grep -qx "set wp.reuse=mapcount" "$TMP/mapcount.mmf" &&
	"$MMFUZZ" run "$TMP/mapcount.mmf" | grep -q "profile=v5.9+wp.reuse=mapcount"; then
	pass
else fail "the switch of v5.9+wp.reuse=mapcount is not in the result"; fi
# --runs bounds the work; what comes out still violates the same way.
"$MMFUZZ" minimize --profile v5.19+mprotect.flush=changed --runs 20 "$PROTECT" >"$TMP/bounded.mmf" 2>"$TMP/bounded.err"
runs=$(sed -n 's/.*(\([0-9,]*\) runs, stopped at the --runs bound)$/\1/p' "$TMP/bounded.err")
if [ -n "$runs" ] && [ "$runs" -le 20 ] &&
	"$MMFUZZ" run "$TMP/bounded.mmf" | grep -q "VIOLATION uffd-wp-bypass write profile=v5.19+mprotect.flush=changed"; then
	pass
else fail "--runs 20: $(cat "$TMP/bounded.err")"; fi

expect() {
	want=$1 pattern=$2
	shift 3
	"$@" >"$TMP/out" 2>&1
	got=$?
	if [ "$got" -eq "$want" ] && grep -q -- "$pattern" "$TMP/out"; then pass; else
		fail "$* -> exit $got (want $want), output lacks '$pattern': $(head -3 "$TMP/out")"
	fi
}
expect 0 "runs clean on latest: nothing to minimise" -- "$MMFUZZ" minimize "$CHILD"
expect 2 "cannot open" -- "$MMFUZZ" minimize "$TMP/missing"
expect 2 "wrong number of operands" -- "$MMFUZZ" minimize
expect 2 "unknown profile 'v9.9'" -- "$MMFUZZ" minimize --profile v9.9 "$CHILD"
expect 2 "" -- "$MMFUZZ" minimize --profile v5.7 -o "$TMP/no/such/dir.mmf" "$CHILD"

finish minimize
