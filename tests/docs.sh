#!/bin/sh
# The docs tell the truth, and so does the lint:
#  - every link in README.md and docs/*.md resolves to a file of the
#    repository, and none leaves it (no other site, no path outside);
#    no source comment names a file outside it either;
#  - the README's set-up block has exactly two commands, each a target of
#    the Makefile;
#  - every command of `mmfuzz --help` (the table in cli/main.c) and every
#    exit status (enum cli_exit, and TSan's 66) is in the README;
#  - tests/lint.sh fails when clang-format or clang-tidy is missing, or
#    when it finds nothing to check.
#   docs.sh SOURCE_DIR
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
SRC=$(cd "$1" && pwd) || exit 2
cd "$SRC" || exit 2
TMP=$(mktemp -d "${TMPDIR:-/tmp}/docs.XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT
README=README.md
DOCS="$README $(find docs -name '*.md' | sort)"

# --- links -------------------------------------------------------------
# Inline links [text](target), reference definitions [x]: target, and
# HTML href/src attributes; a URL anywhere counts as a link to its site.
links() {
	grep -oE '\]\([^)]*\)' "$1" | sed -E 's/^\]\(//; s/\)$//; s/[[:space:]]+".*"$//'
	grep -oE '^[[:space:]]*\[[^]]+\]:[[:space:]]*[^[:space:]]+' "$1" | sed -E 's/^[^:]*\]:[[:space:]]*//'
	grep -oE '(href|src)="[^"]*"' "$1" | sed -E 's/^[a-z]+="//; s/"$//'
}
n_links=0
for doc in $DOCS; do
	if grep -nE '[a-zA-Z][a-zA-Z0-9+.-]*://' "$doc" >"$TMP/urls"; then
		fail "$doc links outside the repository:"
		cat "$TMP/urls"
	fi
	dir=$(dirname "$doc")
	links "$doc" >"$TMP/links"
	while read -r target; do
		n_links=$((n_links + 1))
		path=${target%%#*}
		[ -n "$path" ] || continue # an anchor in the same page
		case "$path" in
		/* | *:*)
			echo "FAIL: $doc: link '$target' is not a path inside the repository"
			echo x >>"$TMP/bad"
			continue
			;;
		esac
		resolved=$(realpath -m "$dir/$path")
		case "$resolved" in
		"$SRC"/*) ;;
		*)
			echo "FAIL: $doc: link '$target' leaves the repository"
			echo x >>"$TMP/bad"
			continue
			;;
		esac
		if [ ! -e "$resolved" ]; then
			echo "FAIL: $doc: link '$target' names no file"
			echo x >>"$TMP/bad"
		fi
	done <"$TMP/links"
done
if [ -s "$TMP/bad" ]; then
	fail "$(wc -l <"$TMP/bad") bad links"
elif [ "$n_links" -eq 0 ]; then
	fail "no link found in $DOCS: the link check checked nothing"
else
	pass
fi
# Nor do the sources: no comment sends the reader to a file beside the
# repository (the design notes and the bug catalogue it was started from
# live outside it; docs/design.md and docs/bugs.md are their versions here).
# shellcheck disable=SC2086 # $DOCS: paths without blanks
if grep -rnE '\.\./shared/|/work/|(mm-bugs|fuzzing-toolchain|concurrency-testing-anchors)\.md' \
	--exclude=docs.sh $DOCS Makefile CMakeLists.txt \
	scheduler target fuzz cli tests bench scripts corpus .ci >"$TMP/outside" 2>/dev/null; then
	fail "files that point outside the repository:"
	cat "$TMP/outside"
else
	pass
fi
if grep -q '](docs/design.md)' "$README" && [ -f docs/design.md ]; then
	pass
else
	fail "README does not link the design document docs/design.md"
fi

# --- the two set-up commands -------------------------------------------
# The first fenced block of the section "## Two commands": its command
# lines (not blank, not comments; a trailing backslash continues a line).
awk '/^## /{in_section = ($0 ~ /^## Two commands/)} in_section' "$README" |
	awk '/^```/{fence++; next} fence == 1' |
	sed -E 's/[[:space:]]*#.*$//' | grep -vE '^[[:space:]]*$' |
	awk '{cont = /\\$/; sub(/\\$/, ""); line = line $0} !cont {print line; line = ""}' \
		>"$TMP/setup"
n_setup=$(grep -c . "$TMP/setup")
if [ "$n_setup" -eq 2 ]; then
	pass
else
	fail "README's set-up block has $n_setup commands, not two:"
	cat "$TMP/setup"
fi
while read -r tool target rest; do
	if [ "$tool" = make ] && [ -n "$target" ] && grep -qE "^$target:" Makefile; then
		pass
	else
		fail "set-up command '$tool $target $rest' is not a target of the Makefile"
	fi
done <"$TMP/setup"

# --- every command and every exit status -------------------------------
grep -oE '^[[:space:]]*\{"[a-z-]+", cmd_' cli/main.c | sed -E 's/.*\{"([a-z-]+)".*/\1/' \
	>"$TMP/commands"
n_commands=$(grep -c . "$TMP/commands")
if [ "$n_commands" -lt 5 ]; then
	fail "found $n_commands commands in cli/main.c's table: the check is out of date"
fi
while read -r c; do
	if grep -qE "mmfuzz $c([^a-z-]|\$)" "$README"; then
		pass
	else
		fail "README never shows 'mmfuzz $c'"
	fi
done <"$TMP/commands"
# Exit statuses: a row of the README's table "| status | meaning |",
# "| 3 | ... |", for each one the command line defines (enum cli_exit;
# EXIT_DATA_RACE, the TSan build's 66, in cli/sanitizer.h).
awk '/^\| status \| meaning \|/{table = 1} table && !/^\|/{table = 0} table' "$README" \
	>"$TMP/exit-table"
codes=$(cat cli/*.h | grep -oE 'EXIT_[A-Z_]+ = [0-9]+|define EXIT_[A-Z_]+ [0-9]+' |
	grep -oE '[0-9]+$' | sort -un)
[ "$(echo "$codes" | wc -w)" -ge 7 ] || fail "exit statuses in cli/*.h: only $(echo "$codes" | tr "\n" " ")"
for code in $codes; do
	if grep -qE "^\|[^|]*(^|[^0-9])$code([^0-9]|\$)[^|]*\|" "$TMP/exit-table"; then
		pass
	else
		fail "exit status $code is not in the README's table"
	fi
done

# --- lint fails without its tools, or with nothing to check -------------
# A PATH with everything but one tool: a link to every program of PATH.
path_without() {
	mkdir -p "$TMP/$1"
	echo "$PATH" | tr ':' '\n' | while read -r d; do
		[ -d "$d" ] || continue
		for prog in "$d"/*; do
			name=$(basename "$prog")
			case "$name" in "$1" | "$1"-*) continue ;; esac
			[ -x "$prog" ] && [ ! -e "$TMP/$1/$name" ] && ln -s "$prog" "$TMP/$1/$name"
		done
	done
	echo "$TMP/$1"
}
mkdir -p "$TMP/build"
for tool in clang-format clang-tidy; do
	out=$(PATH=$(path_without "$tool") /bin/sh "$SRC/tests/lint.sh" "$SRC" "$TMP/build" 2>&1)
	status=$?
	if [ "$status" -ne 0 ] && echo "$out" | grep -q "$tool not found"; then
		pass
	else
		fail "lint.sh without $tool: exit $status, said: $out"
	fi
done
if command -v clang-format >/dev/null && command -v clang-tidy >/dev/null; then
	mkdir -p "$TMP/empty"
	out=$(/bin/sh "$SRC/tests/lint.sh" "$TMP/empty" "$TMP/build" 2>&1)
	status=$?
	if [ "$status" -ne 0 ] && echo "$out" | grep -q "nothing was checked"; then
		pass
	else
		fail "lint.sh with no file to check: exit $status, said: $out"
	fi
else
	fail "clang-format or clang-tidy missing: run scripts/install-deps.sh"
fi
finish "docs: $n_links links, $n_setup set-up commands, $n_commands commands"
