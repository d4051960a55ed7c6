#!/bin/sh
# The mmfuzz command line: exit statuses, error messages, replay output.
#   cli.sh MMFUZZ CORPUS_DIR
set -u
MMFUZZ=$1
CORPUS=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$(dirname "$0")/lib.sh"

# expect STATUS GREP-PATTERN -- COMMAND...
expect() {
	want=$1 pattern=$2
	shift 3
	"$@" >"$TMP/out" 2>&1
	got=$?
	if [ "$got" -eq "$want" ] && { [ -z "$pattern" ] || grep -q -- "$pattern" "$TMP/out"; }; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL: $* -> exit $got (want $want), output lacks '$pattern':"
		sed 's/^/    /' "$TMP/out" | head -20
	fi
}

CHILD=$CORPUS/regress/cve-2020-29374-child.mmf

expect 0 "v5.9-rc" -- "$MMFUZZ" profiles
expect 0 "wp.reuse" -- "$MMFUZZ" profiles
expect 2 "usage" -- "$MMFUZZ"
expect 2 "unknown command" -- "$MMFUZZ" frobnicate
expect 2 "unknown profile 'v9.9'" -- "$MMFUZZ" run --profile v9.9 "$CHILD"
expect 2 "unknown switch 'nope'" -- "$MMFUZZ" run --set nope=1 "$CHILD"
expect 2 "has no value 'sometimes'" -- "$MMFUZZ" run --set wp.reuse=sometimes "$CHILD"
expect 2 "unknown option --frob" -- "$MMFUZZ" run --frob "$CHILD"
expect 2 "--no-reduction takes no value" -- "$MMFUZZ" prove --no-reduction=1 "$CHILD"
expect 0 "no violation in any schedule with <= 1 preemptions on latest" -- \
	"$MMFUZZ" prove --no-sleep-sets --preemptions 1 "$CHILD"
expect 2 "'bogus' is not an engine" -- "$MMFUZZ" fuzz --engine bogus
expect 2 "cannot open" -- "$MMFUZZ" run "$TMP/missing"

printf 'thread 0\n  write va=7\n' >"$TMP/corrupt.mmf"
expect 2 "corrupt.mmf: *2:12: va must be 0..3, got '7'" -- "$MMFUZZ" run "$TMP/corrupt.mmf"
printf '\001\000\003\001' >"$TMP/truncated.bin"
expect 2 "truncated" -- "$MMFUZZ" run "$TMP/truncated.bin"
printf '\007\000\000' >"$TMP/version.bin"
expect 2 "unknown input version 7" -- "$MMFUZZ" run "$TMP/version.bin"
: >"$TMP/empty.bin"
expect 2 "empty input" -- "$MMFUZZ" run "$TMP/empty.bin"

expect 1 "mmfuzz: VIOLATION fork-isolation pipe-read profile=v5.7" -- \
	"$MMFUZZ" run --profile v5.7 "$CHILD"
expect 0 "mmfuzz: CLEAN profile=latest" -- "$MMFUZZ" run "$CHILD"
expect 1 "profile=v5.9+wp.reuse=mapcount" -- \
	"$MMFUZZ" run --profile v5.9 --set wp.reuse=mapcount "$CHILD"
MMFUZZ_PROFILE=v5.7 expect 1 "VIOLATION fork-isolation" -- "$MMFUZZ" run "$CHILD"
expect 1 "identical 100/100" -- "$MMFUZZ" run --profile v5.7 --repeat 100 "$CHILD"

# The replay explains the leak in kernel terms.
expect 1 "reuse_swap_page" -- "$MMFUZZ" replay --profile v5.7 "$CHILD"
expect 1 "wp_page_reuse" -- "$MMFUZZ" replay --profile v5.7 "$CHILD"
expect 1 "P1 must never see it" -- "$MMFUZZ" replay --profile v5.7 "$CHILD"
expect 1 "what fork-isolation means" -- "$MMFUZZ" replay --profile v5.7 "$CHILD"
expect 0 "wp_page_copy" -- "$MMFUZZ" replay --profile v5.9 "$CHILD"

# Text -> binary -> text is the identity, and the binary runs the same.
expect 0 "" -- "$MMFUZZ" compile "$CHILD" "$TMP/child.bin"
expect 1 "VIOLATION fork-isolation" -- "$MMFUZZ" run --profile v5.7 "$TMP/child.bin"
"$MMFUZZ" print "$CHILD" >"$TMP/a.txt"
"$MMFUZZ" print "$TMP/child.bin" >"$TMP/b.txt"
if cmp -s "$TMP/a.txt" "$TMP/b.txt"; then passed=$((passed + 1)); else
	failed=$((failed + 1))
	echo "FAIL: text and binary print differently"
fi

# explore: the CVE's program without any waits; random schedules find the
# leak on v5.7 and save a replayable input; nothing on v5.8 or latest.
printf 'thread 0\n  write va=0 word=0\n  fork\n  write va=0 word=0\nthread 1 child-of 0\n  vmsplice va=0\n  munmap va=0\n  pipe-read\n' >"$TMP/nowait.mmf"
expect 1 "VIOLATION fork-isolation pipe-read profile=v5.7 after" -- \
	"$MMFUZZ" explore --profile v5.7 --runs 2000 --out "$TMP/found.bin" "$TMP/nowait.mmf"
expect 1 "identical 100/100" -- "$MMFUZZ" run --profile v5.7 --repeat 100 "$TMP/found.bin"
expect 0 "no violation in 2000 random schedules" -- \
	"$MMFUZZ" explore --profile v5.8 --runs 2000 "$TMP/nowait.mmf"
expect 0 "no violation in 2000 random schedules" -- \
	"$MMFUZZ" explore --runs 2000 "$TMP/nowait.mmf"

# A file names its model: copied alone into an empty folder it replays its
# violation with no flags; flags that name another model win, with a
# warning; the name is canonical; a broken model is an input error.
mkdir "$TMP/alone"
{ printf 'profile v5.9\nset wp.reuse=mapcount\n'; cat "$CHILD"; } >"$TMP/model.mmf"
expect 0 "" -- "$MMFUZZ" compile "$TMP/model.mmf" "$TMP/alone/finding.bin"
cp "$CHILD" "$TMP/alone/plain.mmf"
(
	cd "$TMP/alone" || exit 2
	expect 1 "VIOLATION fork-isolation pipe-read profile=v5.9+wp.reuse=mapcount" -- \
		"$MMFUZZ" run finding.bin
	expect 1 "== scenario (finding.bin), profile v5.9+wp.reuse=mapcount" -- \
		"$MMFUZZ" replay finding.bin
	expect 0 "warning: finding.bin names model v5.9+wp.reuse=mapcount; running it on v5.9 as" -- \
		"$MMFUZZ" run --profile v5.9 finding.bin
	expect 1 "profile=v5.9+wp.reuse=mapcount" -- \
		"$MMFUZZ" run --profile v5.9+wp.reuse=mapcount finding.bin
	expect 0 "CLEAN profile=latest" -- "$MMFUZZ" run plain.mmf
	expect 0 "^profile v5.9" -- "$MMFUZZ" print finding.bin
	echo "$passed $failed" >"$TMP/counts"
)
read -r passed failed <"$TMP/counts"
if "$MMFUZZ" run --profile v5.9 "$TMP/alone/finding.bin" 2>&1 | grep -q "VIOLATION"; then
	failed=$((failed + 1))
	echo "FAIL: --profile v5.9 did not override the file's model"
else passed=$((passed + 1)); fi
printf '\211MMF\001\004v9.9\002\000\000' >"$TMP/badmodel.bin"
expect 2 "its model: unknown profile 'v9.9'" -- "$MMFUZZ" run "$TMP/badmodel.bin"
printf '\211MMF\007\000\002\000\000' >"$TMP/future.bin"
expect 2 "unknown model header version 7" -- "$MMFUZZ" run "$TMP/future.bin"
printf 'profile v5.7\nthread 0\n  fork\nprofile v5.8\n' >"$TMP/late.mmf"
expect 2 "late.mmf: *4:1: the model comes before the threads" -- "$MMFUZZ" run "$TMP/late.mmf"
# Text by content, errors at their line and column, "-" is stdin/stdout.
printf '\357\273\277// by hand\n\nThread 0\n' >"$TMP/case.mmf"
expect 2 "case.mmf: *3:1: unknown keyword 'Thread' (did you mean 'thread'?)" -- \
	"$MMFUZZ" run "$TMP/case.mmf"
expect 0 "CLEAN" -- sh -c 'cat "$1" | "$2" run -' sh "$CHILD" "$MMFUZZ"
(cd "$TMP" && "$MMFUZZ" compile "$CHILD" - >"$TMP/stdout.bin")
if [ ! -e "$TMP/-" ] && "$MMFUZZ" print "$TMP/stdout.bin" | cmp -s - "$TMP/a.txt"; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
	echo "FAIL: compile X - did not write the input to standard output"
fi
expect 2 "switch 'nope' needs a value" -- "$MMFUZZ" run --profile "v5.9+nope" "$CHILD"

# The command line behaves like the tools it sits beside: getopt_long,
# per-command help on stdout, numbers checked, options a command does not
# take refused. Each line was accepted or mis-parsed before.
# on_stdout STATUS PATTERN -- COMMAND...: like expect, on stdout alone.
on_stdout() {
	want=$1 pattern=$2
	shift 3
	"$@" >"$TMP/out" 2>/dev/null
	got=$?
	if [ "$got" -eq "$want" ] && grep -q -- "$pattern" "$TMP/out"; then pass; else
		fail "$* -> exit $got (want $want), stdout lacks '$pattern'"
	fi
}
expect 1 "VIOLATION fork-isolation" -- "$MMFUZZ" run --profile=v5.7 "$CHILD"
on_stdout 0 "usage: mmfuzz fuzz" -- "$MMFUZZ" fuzz --help
on_stdout 0 "usage: mmfuzz smoke" -- "$MMFUZZ" smoke -h
on_stdout 0 "^mmfuzz [0-9]" -- "$MMFUZZ" --version
on_stdout 0 "130 ended by SIGINT, 143 ended by SIGTERM" -- "$MMFUZZ" fuzz --help
on_stdout 0 "3 a file did not replay identically" -- "$MMFUZZ" run --help
on_stdout 0 "66 the TSan build" -- "$MMFUZZ" --help
expect 2 "--time: 'abc' is not a non-negative whole number" -- "$MMFUZZ" fuzz --time abc
expect 2 "--time: 0 is out of range" -- "$MMFUZZ" fuzz --time 0
expect 2 "--jobs: '-4' is not" -- "$MMFUZZ" fuzz --jobs -4
expect 2 "--seed: '-1' is not" -- "$MMFUZZ" fuzz --seed -1
expect 2 "--seed: 18446744073709551616 is out of range" -- \
	"$MMFUZZ" explore --seed 18446744073709551616 "$CHILD"
expect 2 "--runs: 'abc' is not" -- "$MMFUZZ" explore --runs abc "$CHILD"
expect 2 "--runs: '10x' is not" -- "$MMFUZZ" explore --runs=10x "$CHILD"
expect 2 "--repeat: 0 is out of range" -- "$MMFUZZ" run --repeat 0 "$CHILD"
expect 2 "--only: no oracle 'nonsense-oracle'" -- "$MMFUZZ" fuzz --only nonsense-oracle
expect 2 "--time does not apply to print" -- "$MMFUZZ" print --time 5 "$CHILD"
expect 2 "--jobs does not apply to run" -- "$MMFUZZ" run --jobs 3 "$CHILD"
expect 2 "--profile needs a value" -- "$MMFUZZ" run "$CHILD" --profile
expect 2 "wrong number of operands" -- "$MMFUZZ" print "$CHILD" "$CHILD"
# Found in review: a short option is named as given; MMFUZZ_PROFILE does
# not stop `profiles` from listing the names; explore cannot put the
# input on stdout beside its report; libFuzzer's -runs is an int; smoke's
# two reports need two places.
expect 2 "unknown option -x" -- "$MMFUZZ" run -xy "$CHILD"
MMFUZZ_PROFILE=bogus expect 0 "v5.9-rc" -- "$MMFUZZ" profiles
MMFUZZ_PROFILE=bogus expect 2 "unknown profile 'bogus'" -- "$MMFUZZ" run "$CHILD"
expect 2 "would mix the report and the input" -- "$MMFUZZ" explore -o - "$CHILD"
expect 2 "--runs: 4294967296 is out of range for fuzz" -- "$MMFUZZ" fuzz --runs 4294967296
expect 2 "--junit and --json both write" -- "$MMFUZZ" smoke --junit "$TMP/r" --json "$TMP/r"
# --seed 0 is a seed, not "no seed": it draws other schedules than seed 1.
"$MMFUZZ" explore --runs 3000 --seed 0 "$TMP/nowait.mmf" --profile v5.7 >"$TMP/s0" 2>&1
"$MMFUZZ" explore --runs 3000 --seed 1 "$TMP/nowait.mmf" --profile v5.7 >"$TMP/s1" 2>&1
if grep -q "after" "$TMP/s0" && ! cmp -s "$TMP/s0" "$TMP/s1"; then pass; else
	fail "explore --seed 0 ran like --seed 1"
fi
# "--" ends the options: a file named like an option can be run.
cp "$CHILD" "$TMP/--odd.mmf"
(cd "$TMP" && expect 0 "CLEAN" -- "$MMFUZZ" run -- --odd.mmf && echo "$passed $failed" >"$TMP/counts")
read -r passed failed <"$TMP/counts"

finish cli
