#!/bin/sh
# The HTML timeline of `mmfuzz replay --html`: written for two reproducers,
# self-contained, with every trace line, the lock bars, the critical pairs
# of `mmfuzz explain` as arrows and the violation; then rendered in headless
# Chromium, which must log nothing to the console and paint a page that is
# not blank.
#   timeline.sh MMFUZZ CORPUS_DIR
set -u
MMFUZZ=$1
CORPUS=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$(dirname "$0")/lib.sh"
CHROMIUM=${CHROMIUM:-chromium}


# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
	what=$1
	shift
	if "$@"; then pass; else fail "$what"; return 1; fi
}

# The headless browser, run as root here (hence --no-sandbox); every
# console message (errors, failed loads, uncaught exceptions) goes to
# stderr as an INFO:CONSOLE line.
browse() {
	"$CHROMIUM" --headless=new --no-sandbox --disable-gpu --hide-scrollbars \
		--no-first-run --disable-extensions --user-data-dir="$TMP/profile" \
		--enable-logging=stderr --v=0 --window-size=1600,2000 "$@"
}

console_lines() {
	grep -c 'CONSOLE' "$1"
}

# The value of NAME in the body's data-rendered="events=N lanes=N ..."
# (set by the page's script once it is laid out).
rendered() {
	sed -n 's/.*data-rendered="\([^"]*\)".*/\1/p' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

if ! command -v "$CHROMIUM" >/dev/null 2>&1; then
	echo "FAIL: $CHROMIUM not found (Debian package chromium)"
	echo "0 passed, 1 failed"
	exit 1
fi

# The console check itself: a page with an error must be caught.
printf '<!DOCTYPE html><p>x</p><script>console.error("x"); nosuch();</script>\n' >"$TMP/bad.html"
browse --dump-dom "file://$TMP/bad.html" >"$TMP/bad.dom" 2>"$TMP/bad.log"
check "a console error is detected" test "$(console_lines "$TMP/bad.log")" -ge 2

# A blank page's screenshot: the size a page with nothing on it compresses to.
printf '<!DOCTYPE html><title>blank</title>\n' >"$TMP/blank.html"
browse --screenshot="$TMP/blank.png" "file://$TMP/blank.html" >/dev/null 2>&1
blank_size=$(wc -c <"$TMP/blank.png" 2>/dev/null || echo 0)
check "blank screenshot taken" test "$blank_size" -gt 0

# page NAME PROFILE FILE SIGNATURE FUNCTION...
page() {
	name=$1 profile=$2 file=$3 signature=$4
	shift 4
	html=$TMP/$name.html
	"$MMFUZZ" replay --profile "$profile" --html "$html" "$file" >"$TMP/$name.replay" 2>&1
	check "$name: replay --html exits 1 (violation)" test $? -eq 1
	if ! [ -s "$html" ]; then
		fail "$name: no page written"
		return
	fi

	# Self-contained: nothing fetched, no external URL at all.
	check "$name: no URL in the page" sh -c "! grep -qi 'http' '$html'"
	check "$name: no src= in the page" sh -c "! grep -qi 'src=' '$html'"
	check "$name: no <link> or @import" sh -c "! grep -qiE '<link|@import' '$html'"
	check "$name: only same-page url()" sh -c "! grep -qE 'url\\([^#]' '$html'"

	# What it shows: the signature, the kernel functions, everything escaped.
	check "$name: signature in the header" grep -qF "$signature" "$html"
	for fn in "$@"; do
		check "$name: shows $fn" grep -q ">$fn</tspan>" "$html"
	done
	check "$name: trace text is escaped" grep -qF -- '-&gt; frame' "$html"
	check "$name: no raw '->' in the page" sh -c "! grep -qF -- ' -> ' '$html'"
	check "$name: violation marked" grep -q 'class="vband"' "$html"
	"$MMFUZZ" replay --profile "$profile" --html "$TMP/$name.again.html" "$file" >/dev/null 2>&1
	check "$name: the same page on a second run" cmp -s "$html" "$TMP/$name.again.html"
	check "$name: lock bars" grep -q 'class="lk lk-mmap' "$html"

	# Every trace line of the replay is a row; the lanes are its threads.
	lines=$(sed -n '/^== trace$/,/^== verdict/p' "$TMP/$name.replay" | grep -c '^\[step')
	rows=$(grep -c '<g class="ev ' "$html")
	check "$name: $rows rows for $lines trace lines" test "$rows" -eq "$lines" -a "$lines" -gt 0
	threads=$(sed -n '/^== trace$/,/^== verdict/p' "$TMP/$name.replay" |
		sed -n 's/^\[step *[0-9]*\] \([^ ]*\) .*/\1/p' | sort -u | wc -l)

	# Each critical ordering `mmfuzz explain` prints is an arrow.
	"$MMFUZZ" explain --profile "$profile" "$file" >"$TMP/$name.explain" 2>&1
	pairs=$(grep -c 'happens before' "$TMP/$name.explain")
	arrows=$(grep -c '<g class="pair"' "$html")
	check "$name: explain finds orderings" test "$pairs" -gt 0
	check "$name: $arrows arrows for $pairs orderings" test "$arrows" -eq "$pairs"

	# Rendered: no console message, laid out as written, not blank.
	browse --dump-dom "file://$html" >"$TMP/$name.dom" 2>"$TMP/$name.log"
	check "$name: no console message" test "$(console_lines "$TMP/$name.log")" -eq 0 ||
		grep CONSOLE "$TMP/$name.log" | head -5
	check "$name: rendered all $lines rows" test "$(rendered events "$TMP/$name.dom")" = "$lines"
	check "$name: rendered $threads lanes" test "$(rendered lanes "$TMP/$name.dom")" = "$threads"
	check "$name: rendered $pairs arrows" test "$(rendered arrows "$TMP/$name.dom")" = "$pairs"
	check "$name: rendered lock bars" test "$(rendered locks "$TMP/$name.dom")" -gt 0
	check "$name: rendered the violation" test "$(rendered violation "$TMP/$name.dom")" = 1
	browse --screenshot="$TMP/$name.png" "file://$html" >/dev/null 2>"$TMP/$name.shot.log"
	check "$name: no console message (screenshot)" \
		test "$(console_lines "$TMP/$name.shot.log")" -eq 0
	check "$name: screenshot is a 1600x2000 PNG" \
		sh -c "file '$TMP/$name.png' | grep -q 'PNG image data, 1600 x 2000'"
	size=$(wc -c <"$TMP/$name.png" 2>/dev/null || echo 0)
	check "$name: screenshot not blank ($size bytes, blank $blank_size)" \
		test "$size" -gt $((blank_size * 10))
	if [ -n "${TIMELINE_KEEP:-}" ]; then
		cp "$html" "$TMP/$name.png" "$TIMELINE_KEEP"/
	fi
}

page b4b v5.11 "$CORPUS/regress/uffd-wp-tlb-corruption.mmf" \
	"mmfuzz: VIOLATION lost-write user-read profile=v5.11" \
	change_pte_range flush_tlb_range do_wp_page folio_get "tlb fill"
page cve v5.7 "$CORPUS/regress/cve-2020-29374-child.mmf" \
	"mmfuzz: VIOLATION fork-isolation pipe-read profile=v5.7" \
	reuse_swap_page wp_page_reuse page_remove_rmap copy_present_pte vmsplice

# A clean run: the verdict in green, no violation, no arrows.
CHILD=$CORPUS/regress/cve-2020-29374-child.mmf
"$MMFUZZ" replay --profile latest --html "$TMP/clean.html" "$CHILD" >"$TMP/clean.replay" 2>&1
check "clean: replay --html exits 0" test $? -eq 0
check "clean: CLEAN signature" grep -qF "mmfuzz: CLEAN profile=latest" "$TMP/clean.html"
check "clean: no violation band" sh -c "! grep -q 'class=\"vband\"' '$TMP/clean.html'"
check "clean: no arrows" sh -c "! grep -q '<g class=\"pair\"' '$TMP/clean.html'"
browse --dump-dom "file://$TMP/clean.html" >"$TMP/clean.dom" 2>"$TMP/clean.log"
check "clean: no console message" test "$(console_lines "$TMP/clean.log")" -eq 0
lines=$(sed -n '/^== trace$/,/^== verdict/p' "$TMP/clean.replay" | grep -c '^\[step')
check "clean: rendered all $lines rows" test "$(rendered events "$TMP/clean.dom")" = "$lines"

# A page that cannot be written: exit 2 and why.
"$MMFUZZ" replay --profile v5.7 --html "$TMP/no/such/dir/x.html" "$CHILD" >/dev/null 2>"$TMP/err"
check "unwritable: exit 2" test $? -eq 2
check "unwritable: says why" grep -q "cannot write .*x.html: No such file or directory" "$TMP/err"

finish timeline
