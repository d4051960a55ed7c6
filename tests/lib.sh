# shellcheck shell=sh
# Shared by the shell tests: count checks, say what failed, and end with
# the line CI reads. Source it, then call pass/ok and fail, and finish.
passed=0
failed=0
pass() { passed=$((passed + 1)); }
ok() { pass; }
fail() {
	failed=$((failed + 1))
	echo "FAIL: $*"
}
# finish NAME: the summary lines and the exit status.
finish() {
	echo "$1: $passed passed, $failed failed"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
