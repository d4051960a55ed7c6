#!/bin/sh
# Lint: clang-format (the layout in .clang-format) and clang-tidy (the
# checks in .clang-tidy) over every C file, warnings fatal.
#   lint.sh SOURCE_DIR BUILD_DIR
set -u
SRC=$1
B=$2
cd "$SRC" || exit 2
FILES=$(git ls-files '*.c' '*.h' 2>/dev/null || find scheduler target fuzz cli tests bench -name '*.[ch]')
failed=0
passed=0
if command -v clang-format >/dev/null; then
	if clang-format --dry-run -Werror $FILES; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
fi
if command -v clang-tidy >/dev/null; then
	# Only files in the compilation database (the plain build).
	C_FILES=$(echo "$FILES" | tr ' ' '\n' | grep '\.c$' | grep -v '^tests/sched/tsan_check.c$')
	if echo "$C_FILES" | xargs -P "$(nproc)" -n 4 clang-tidy -quiet -p "$B" \
		--warnings-as-errors='*' >"$B/lint-tidy.log" 2>&1; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		grep -E "warning:|error:" "$B/lint-tidy.log" | head -20
	fi
fi
echo "lint: $passed passed, $failed failed"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
