#!/bin/sh
# The TSan replay build must catch the clear_refs no-upgrade MUTANT (a
# vm_flags write under the mmap_lock held for read, racing with a page
# fault's read of vm_flags) and stay silent on the real kernels' rule
# (read lock upgraded to write for the flags, or the 5.11 write lock); and
# catch its per-VMA-lock twin, clear-refs-no-vma-lock (the write lock held,
# the VMA not write-locked, the fault under the VMA lock alone).
#   tsan_mutant.sh MMFUZZ_TSAN CORPUS_DIR
set -u
TSAN_BIN=$1
SCN=$2/regress/clear-refs-no-upgrade.mmf
passed=0
failed=0
run() {
	TSAN_OPTIONS=halt_on_error=1:exitcode=66 "$TSAN_BIN" run --profile "$1" "$SCN" 2>&1
}
out=$(run clear-refs-no-upgrade)
if echo "$out" | grep -q "WARNING: ThreadSanitizer: data race" &&
	echo "$out" | grep -q "clear_vm_softdirty" && echo "$out" | grep -q "do_user_addr_fault"; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
	echo "FAIL: no vm_flags race reported on the mutant"
	echo "$out" | head -30
fi
for p in v5.10 latest; do
	out=$(run "$p")
	if echo "$out" | grep -q "ThreadSanitizer"; then
		failed=$((failed + 1))
		echo "FAIL: TSan report on $p"
		echo "$out" | head -30
	else
		passed=$((passed + 1))
	fi
done
# Without halt_on_error the run goes on: its line must not say only CLEAN,
# and the exit status is TSan's 66.
TSAN_OPTIONS=exitcode=66 "$TSAN_BIN" run --profile clear-refs-no-upgrade "$SCN" >"${TMPDIR:-/tmp}/tsan.$$" 2>/dev/null
status=$?
if [ "$status" -eq 66 ] && grep -q "DATA RACE: ThreadSanitizer reported 1 race" "${TMPDIR:-/tmp}/tsan.$$"; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
	echo "FAIL: the race is not the run's verdict (exit $status):"
	cat "${TMPDIR:-/tmp}/tsan.$$"
fi
rm -f "${TMPDIR:-/tmp}/tsan.$$"
# The per-VMA-lock era's mutant: clear_refs clears VM_SOFTDIRTY under the
# mmap write lock without vma_start_write, while a fault holds only the
# VMA's read lock. latest (vm_flags_clear write-locks the VMA) is silent.
SCN=$2/regress/clear-refs-no-vma-lock.mmf
out=$(run clear-refs-no-vma-lock)
if echo "$out" | grep -q "WARNING: ThreadSanitizer: data race" &&
	echo "$out" | grep -q "vm_flags_clear_unlocked" &&
	echo "$out" | grep -q "fault_under_vma_lock"; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
	echo "FAIL: no vm_flags race with a VMA-locked fault reported on the mutant"
	echo "$out" | head -30
fi
out=$(run latest)
if echo "$out" | grep -q "ThreadSanitizer"; then
	failed=$((failed + 1))
	echo "FAIL: TSan report on latest"
	echo "$out" | head -30
else
	passed=$((passed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
