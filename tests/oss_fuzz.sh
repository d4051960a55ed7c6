#!/bin/sh
# tests/oss_fuzz.sh REPO [address|undefined|afl]: scripts/oss-fuzz-build.sh
# run as OSS-Fuzz runs a project's build.sh, without docker: its
# environment ($CC, $CFLAGS, $LIB_FUZZING_ENGINE, $OUT, $WORK...) for
# libFuzzer+ASan (default), libFuzzer+UBSan or AFL++ with ASan, and the
# profiles latest and v5.7. Checks:
#  1. every fuzzer comes with .options (max_len), .dict and a seed zip
#     holding every seed of corpus/seeds;
#  2. the binaries fix their profile (MMFUZZ_PROFILE unset) and still obey
#     MMFUZZ_PROFILE; the engine loads the dictionary and the seeds;
#  3. mmfuzz_latest fuzzes 10 s and finds nothing; mmfuzz_v5_7 finds a
#     violation within 10 s, and `mmfuzz run --profile v5.7` replays it.
# Skipped (exit 77) when zip/unzip (or, for afl, afl-fuzz) are missing.
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# expect MESSAGE COMMAND...: a check that passes when COMMAND succeeds.
expect() {
	msg=$1
	shift
	if "$@"; then ok; else fail "$msg"; fi
}
repo=$(cd "$1" && pwd)
config=${2:-address}
for tool in zip unzip; do
	command -v $tool >/dev/null || {
		echo "oss_fuzz: $tool not installed, skipped"
		exit 77
	}
done

tmp=$(mktemp -d /tmp/mmfuzz-oss-fuzz.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
unset MMFUZZ_PROFILE MMFUZZ_SET MMFUZZ_ONLY MMFUZZ_KNOWN
base="-O1 -fno-omit-frame-pointer -gline-tables-only -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
asan="-fsanitize=address -fsanitize-address-use-after-scope"
ub="array-bounds,bool,builtin,enum,float-divide-by-zero,function,integer-divide-by-zero,null"
ub="$ub,object-size,return,returns-nonnull-attribute,shift,signed-integer-overflow"
ub="$ub,unreachable,vla-bound,vptr"
export SRC="$repo" OUT="$tmp/out" WORK="$tmp/work" ARCHITECTURE=x86_64
export MMFUZZ_OSS_FUZZ_PROFILES="latest v5.7"
# As OSS-Fuzz's images: the model's hashes wrap on purpose.
export UBSAN_OPTIONS=silence_unsigned_overflow=1:halt_on_error=1
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:symbolize=0
case $config in
address)
	export CC=clang CXX=clang++ SANITIZER=address FUZZING_ENGINE=libfuzzer
	export CFLAGS="$base $asan -fsanitize=fuzzer-no-link" LIB_FUZZING_ENGINE=-fsanitize=fuzzer
	;;
undefined)
	export CC=clang CXX=clang++ SANITIZER=undefined FUZZING_ENGINE=libfuzzer
	export CFLAGS="$base -fsanitize=$ub,unsigned-integer-overflow -fno-sanitize-recover=$ub"
	export CFLAGS="$CFLAGS -fsanitize=fuzzer-no-link" LIB_FUZZING_ENGINE=-fsanitize=fuzzer
	;;
afl)
	if ! command -v afl-fuzz >/dev/null || [ ! -f /usr/lib/afl/libAFLDriver.a ]; then
		echo "oss_fuzz: AFL++ not installed, skipped"
		exit 77
	fi
	# As OSS-Fuzz's compile_afl: AFL++'s compilers, no coverage flags,
	# the driver archive as the engine.
	export CC=afl-clang-fast CXX=afl-clang-fast++ SANITIZER=address FUZZING_ENGINE=afl
	export CFLAGS="$base $asan" LIB_FUZZING_ENGINE=/usr/lib/afl/libAFLDriver.a AFL_QUIET=1
	;;
*)
	echo "oss_fuzz: unknown configuration '$config' (address, undefined, afl)"
	exit 2
	;;
esac
export CXXFLAGS="$CFLAGS"
mkdir -p "$OUT" "$WORK"

if (cd "$repo" && bash -eu .clusterfuzzlite/build.sh) >"$tmp/build.log" 2>&1; then ok; else
	fail "build.sh ($config) failed:"
	tail -20 "$tmp/build.log"
	finish oss_fuzz
	exit 1
fi
mmfuzz="$WORK/mmfuzz-build/mmfuzz"

# 1. What OSS-Fuzz picks up beside each binary.
nseeds=$(find "$repo/corpus/seeds" -name '*.mmf' | wc -l)
for f in mmfuzz_latest mmfuzz_v5_7; do
	expect "$f: no binary in OUT" [ -x "$OUT/$f" ]
	expect "$f.options: no max_len" grep -q '^max_len = 512$' "$OUT/$f.options"
	n=$(unzip -Z1 "$OUT/${f}_seed_corpus.zip" | wc -l)
	expect "${f}_seed_corpus.zip: $n files, $nseeds seeds" [ "$n" -eq "$nseeds" ]
done
ntokens=$(grep -c '^op_' "$OUT/mmfuzz_latest.dict")
expect "mmfuzz_latest.dict: $ntokens tokens (one per op kind at least)" [ "$ntokens" -ge 24 ]
expect "dict: fork is not kind 2" grep -q '^op_fork="\\x02\\x00"$' "$OUT/mmfuzz_latest.dict"

# Runs FUZZER 10 s the way the engine's runner would, from its seeds,
# dictionary and options, in folder $tmp/FUZZER; status in $tmp/FUZZER/rc.
fuzz10() {
	d="$tmp/$1"
	mkdir -p "$d/corpus" && (cd "$d/corpus" && unzip -q "$OUT/${1}_seed_corpus.zip")
	if [ "$config" = afl ]; then
		(cd "$d" && AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 \
			AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_BENCH_UNTIL_CRASH=1 \
			afl-fuzz -m none -V 10 -G 512 -x "$OUT/$1.dict" -i corpus -o afl \
			-- "$OUT/$1" >log 2>&1)
		echo $? >"$d/rc"
		for c in "$d"/afl/default/crashes/id:*; do
			[ -f "$c" ] && cp "$c" "$d/crash-afl" && break
		done
	else
		(cd "$d" && "$OUT/$1" -max_len=512 -timeout=10 -dict="$OUT/$1.dict" \
			-max_total_time=10 -artifact_prefix="$d/" corpus >log 2>&1)
		echo $? >"$d/rc"
	fi
}

# 2 and 3.
fuzz10 mmfuzz_latest
rc=$(cat "$tmp/mmfuzz_latest/rc")
expect "mmfuzz_latest: exit $rc" [ "$rc" -eq 0 ]
no_crash() { ! ls "$tmp"/mmfuzz_latest/crash-* >/dev/null 2>&1; }
expect "mmfuzz_latest: a finding on latest" no_crash
if [ "$config" = afl ]; then
	stats="$tmp/mmfuzz_latest/afl/default/fuzzer_stats"
	expect "afl: not persistent/deferred" \
		grep -q '^target_mode *: persistent shmem_testcase deferred' "$stats"
	n=$(sed -n 's/^corpus_count *: //p' "$stats")
	expect "afl: corpus $n, no growth past the seeds" [ "${n:-0}" -gt "$nseeds" ]
else
	log="$tmp/mmfuzz_latest/log"
	expect "mmfuzz_latest: not on latest" grep -q "fuzzing profile latest" "$log"
	expect "mmfuzz_latest: dictionary not loaded" grep -q "Dictionary: $ntokens entries" "$log"
	expect "mmfuzz_latest: seeds not read" grep -q "^#$((nseeds + 1))[[:space:]]*INITED" "$log"
fi

fuzz10 mmfuzz_v5_7
crash=$(find "$tmp/mmfuzz_v5_7" -maxdepth 1 -name 'crash-*' | head -1)
expect "mmfuzz_v5_7: no finding in 10 s" [ -n "$crash" ]
if [ -n "$crash" ]; then
	if [ "$config" != afl ]; then
		expect "mmfuzz_v5_7: no violation report on v5.7" \
			grep -q 'VIOLATION .* profile=v5.7' "$tmp/mmfuzz_v5_7/log"
		# ClusterFuzz's crash state is the top frames: the oracle's own
		# abort function is among them (one crash state per oracle).
		oracle=$(sed -n 's/.*VIOLATION \([a-z-]*\) .*/\1/p' "$tmp/mmfuzz_v5_7/log" |
			head -1 | tr - _)
		ASAN_OPTIONS=detect_leaks=0:symbolize=1 "$OUT/mmfuzz_v5_7" "$crash" \
			>"$tmp/stack" 2>&1
		expect "mmfuzz_v5_7: the stack does not name violation_$oracle" \
			grep -q "in violation_$oracle " "$tmp/stack"
	fi
	LLVM_PROFILE_FILE=/dev/null "$mmfuzz" run --profile v5.7 "$crash" >"$tmp/replay" 2>&1
	expect "the finding does not replay (exit $?)" grep -q VIOLATION "$tmp/replay"
	# The compiled-in profile yields to MMFUZZ_PROFILE: latest's binary
	# finds it on v5.7, and not on its own profile.
	finds_on_v57() { ! MMFUZZ_PROFILE=v5.7 "$OUT/mmfuzz_latest" "$crash" >/dev/null 2>&1; }
	clean_on_latest() { "$OUT/mmfuzz_latest" "$crash" >/dev/null 2>&1; }
	expect "mmfuzz_latest: MMFUZZ_PROFILE=v5.7 ignored" finds_on_v57
	expect "mmfuzz_latest: the v5.7 finding on latest" clean_on_latest
fi
finish oss_fuzz
