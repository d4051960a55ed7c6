#!/bin/sh
# The TSan replay build replays the whole corpus on every profile without a
# ThreadSanitizer report: model state is touched only under the lock that
# orders it (or with the kernel's atomics, see MM_ATOMIC).
#   tsan_corpus.sh MMFUZZ_TSAN CORPUS_DIR
set -u
TSAN_BIN=$1
CORPUS=$2
passed=0
failed=0
# Every profile but the two TSan mutants, which exist to be reported.
for p in $("$TSAN_BIN" profiles | grep -E '^[a-z0-9.-]+( \(default\))?$' | cut -d' ' -f1 |
	grep -v -e no-upgrade -e no-vma-lock); do
	out=$(TSAN_OPTIONS=halt_on_error=1:exitcode=66 "$TSAN_BIN" run --profile "$p" \
		"$CORPUS"/regress/*.mmf "$CORPUS"/seeds/*.mmf 2>&1)
	status=$?
	if [ "$status" -le 1 ] && ! echo "$out" | grep -q "ThreadSanitizer"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL: $p (exit $status)"
		echo "$out" | grep -A20 "ThreadSanitizer" | head -30
	fi
done
echo "tsan corpus: $passed passed, $failed failed"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
