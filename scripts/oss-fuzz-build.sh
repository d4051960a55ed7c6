#!/bin/bash
# oss-fuzz-build.sh: build mmfuzz's fuzz targets the way OSS-Fuzz and
# ClusterFuzzLite ask (their build.sh calls this): $CC, $CXX, $CFLAGS and
# $LIB_FUZZING_ENGINE choose the compiler, the sanitizers and the engine;
# into $OUT go one binary per profile, mmfuzz_<profile>, each with
# <name>.options, <name>.dict and <name>_seed_corpus.zip.
#
# MMFUZZ_OSS_FUZZ_PROFILES (default "latest always-release-lock"): the
# profiles built. Continuous fuzzing pays where a finding is news: latest
# (the reference, clean) and always-release-lock (a proposal expected
# clean). A profile that recreates known bugs (v5.7, mapcount-reuse...)
# crashes within seconds and would only re-file them; build one for a
# check (tests/oss_fuzz.sh builds v5.7), not for OSS-Fuzz.
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
: "${OUT:?OUT: where the fuzzers go}"
: "${LIB_FUZZING_ENGINE:?LIB_FUZZING_ENGINE: the engine to link}"
work=${WORK:-$OUT/.work}/mmfuzz-build
profiles=${MMFUZZ_OSS_FUZZ_PROFILES:-latest always-release-lock}
export CC=${CC:-clang} CXX=${CXX:-clang++}

harness=libfuzzer
generator="Unix Makefiles"
command -v ninja >/dev/null && generator=Ninja
if [ "${FUZZING_ENGINE:-}" = afl ]; then
	# The harness's clock-driven functions stay uninstrumented
	# (AFL++ ignores no_sanitize("coverage")).
	export AFL_LLVM_DENYLIST="$repo/fuzz/afl/denylist.txt"
	# AFL++'s own entry points (persistent mode, the interleaving
	# feedback in its map); its main wins over the driver's weak one.
	harness=afl
fi

# CFLAGS (given explicitly: a build folder kept from another run must not
# keep its flags) reach every target through CMake; only the CLI (for the seeds
# and the dictionary) and the fuzz targets are built. The TSan and the
# local AFL++ builds are not wanted here (their flags clash with CFLAGS).
mkdir -p "$work"
cmake -S "$repo" -B "$work" -G "$generator" \
	-DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
	-DCMAKE_C_FLAGS="${CFLAGS:-}" -DCMAKE_CXX_FLAGS="${CXXFLAGS:-}" \
	-DMMFUZZ_FUZZ_HARNESS="$harness" \
	-DMMFUZZ_FUZZ_ENGINE_FLAGS="$LIB_FUZZING_ENGINE" \
	-DMMFUZZ_FUZZ_PROFILES="$(echo "$profiles" | tr ' ' ';')" \
	-DMMFUZZ_TSAN=OFF -DMMFUZZ_AFL=OFF >"$work.configure.log" 2>&1 ||
	{
		cat "$work.configure.log"
		exit 1
	}
targets=mmfuzz
for p in $profiles; do
	targets="$targets $(echo "mmfuzz_$p" | tr -c 'A-Za-z0-9_\n-' '_')"
done
# shellcheck disable=SC2086 # one word per target
cmake --build "$work" --target $targets

# The CLI runs here under the build's own sanitizer or coverage runtime.
export ASAN_OPTIONS=detect_leaks=0 LLVM_PROFILE_FILE=/dev/null
mmfuzz="$work/mmfuzz"

# The seeds in the binary form the targets read (the text files in
# corpus/seeds are compiled; no model wrapper: the target ignores it),
# named by their sha1 as OSS-Fuzz does.
seeds="$work/seeds"
rm -rf "$seeds" && mkdir -p "$seeds"
for f in "$repo"/corpus/seeds/*.mmf; do
	"$mmfuzz" compile "$f" "$seeds/seed.bin" >/dev/null
	if [ "$(head -c 4 "$seeds/seed.bin" | od -An -tx1 | tr -d ' ')" = 894d4d46 ]; then
		len=$(od -An -tu1 -j5 -N1 "$seeds/seed.bin" | tr -d ' ')
		tail -c +$((7 + len)) "$seeds/seed.bin" >"$seeds/bare.bin"
		mv "$seeds/bare.bin" "$seeds/seed.bin"
	fi
	mv "$seeds/seed.bin" "$seeds/$(sha1sum <"$seeds/seed.bin" | cut -c1-40)"
done
rm -f "$work/seed_corpus.zip"
(cd "$seeds" && zip -q -X "$work/seed_corpus.zip" ./*)

"$repo/scripts/make-dict.sh" "$mmfuzz" >"$work/mmfuzz.dict"

for t in $targets; do
	[ "$t" = mmfuzz ] && continue
	cp "$work/$t" "$OUT/$t"
	cp "$work/mmfuzz.dict" "$OUT/$t.dict"
	cp "$work/seed_corpus.zip" "$OUT/${t}_seed_corpus.zip"
	# max_len as `mmfuzz fuzz` runs it: the largest program is 134
	# bytes, the rest is schedule. No use_value_profile: the targets are
	# built without comparison tracing, which is all it reads.
	printf '[libfuzzer]\nmax_len = 512\ntimeout = 10\n' >"$OUT/$t.options"
done
echo "mmfuzz: $(echo "$targets" | cut -d' ' -f2-) in $OUT"
