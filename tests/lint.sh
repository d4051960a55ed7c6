#!/bin/sh
# Lint: clang-format (the layout in .clang-format) over every C file and
# header, clang-tidy (the checks in .clang-tidy, warnings fatal) over every
# C file of the compilation database. A missing tool, or nothing to check,
# is a failure, never a vacuous pass: `make test` installs both tools
# (scripts/install-deps.sh).
#   lint.sh SOURCE_DIR BUILD_DIR
set -u
SRC=$1
B=$2
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

for tool in clang-format clang-tidy; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "lint: $tool not found in PATH (scripts/install-deps.sh installs it)"
		exit 1
	fi
done
B=$(cd "$B" && pwd) || exit 2
cd "$SRC" || exit 2
SRC=$(pwd)

# Tracked and new (not ignored) files; a tree without git: the layers.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	FILES=$(git ls-files --cached --others --exclude-standard -- '*.c' '*.h' |
		while read -r f; do [ -f "$f" ] && echo "$f"; done | sort -u)
else
	FILES=$(find scheduler target fuzz cli tests bench -name '*.[ch]' 2>/dev/null | sort)
fi
n_format=$(echo "$FILES" | grep -c .)
if [ "$n_format" -eq 0 ]; then
	echo "lint: no C files found under $SRC: nothing was checked"
	exit 1
fi

# shellcheck disable=SC2086
if clang-format --dry-run -Werror $FILES >"$B/lint-format.log" 2>&1; then
	pass
else
	fail "clang-format: $(grep -c 'error:' "$B/lint-format.log") lines differ from .clang-format:"
	grep 'error:' "$B/lint-format.log" | cut -d: -f1,2 | sort -u | head -20
fi

# clang-tidy needs each file's flags: only the files the build compiles.
DB="$B/compile_commands.json"
if [ ! -f "$DB" ]; then
	echo "lint: $DB missing (configure the build first): clang-tidy checked nothing"
	exit 1
fi
C_FILES=$(echo "$FILES" | grep '\.c$' | while read -r f; do
	grep -qF "\"file\": \"$SRC/$f\"" "$DB" && echo "$f"
done)
n_tidy=$(echo "$C_FILES" | grep -c .)
SKIPPED=$(echo "$FILES" | grep '\.c$' | grep -vxF "$C_FILES")
[ -z "$SKIPPED" ] || echo "lint: clang-tidy skips what the build does not compile: $(echo "$SKIPPED" | tr "\n" " ")"
if [ "$n_tidy" -eq 0 ]; then
	echo "lint: no file of $DB among the sources: clang-tidy checked nothing"
	exit 1
fi
# The build compiles most files for several targets (plain, libFuzzer,
# TSan, AFL++, ...): clang-tidy would check each file once per entry.
# Check each once, with its first entry (the plain build's).
TIDY_DB="$B/lint-db"
mkdir -p "$TIDY_DB"
if ! jq 'unique_by(.file)' "$DB" >"$TIDY_DB/compile_commands.json"; then
	echo "lint: jq could not read $DB"
	exit 1
fi
if echo "$C_FILES" | xargs -P "$(nproc)" -n 4 clang-tidy -quiet -p "$TIDY_DB" \
	--warnings-as-errors='*' >"$B/lint-tidy.log" 2>&1; then
	pass
else
	fail "clang-tidy:"
	grep -E "warning:|error:" "$B/lint-tidy.log" | head -20
fi
finish "lint: clang-format $n_format files, clang-tidy $n_tidy files"
