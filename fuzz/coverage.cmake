# The coverage-only libFuzzer target (issue 14 §2): mmfuzz-fuzzer-cov, the
# same harness as mmfuzz-fuzzer with libFuzzer's code coverage and the
# interleaving feedback but no ASan or UBSan (and, like it, no stack-depth
# coverage and no comparison tracing). It runs a campaign about 2.2-2.8x as
# fast at a twentieth of the memory, and `mmfuzz fuzz` uses it unless
# --sanitize is given; every finding it makes is replayed on
# mmfuzz-fuzzer (ASan+UBSan) before it is filed (cli/campaign_filing.c).
#
# Included by the root CMakeLists.txt beside mmfuzz-fuzzer. Not built
# when the engine and the sanitizers come from outside (OSS-Fuzz builds
# its own variants from CFLAGS).
if(MMFUZZ_FUZZ_ENGINE_FLAGS STREQUAL "")
  add_executable(mmfuzz-fuzzer-cov ${MMFUZZ_CORE_SOURCES} ${MMFUZZ_HARNESS_SOURCES})
  target_compile_options(mmfuzz-fuzzer-cov PRIVATE -fsanitize=fuzzer
    -fno-sanitize-coverage=stack-depth,trace-cmp -DMMFUZZ_LIBFUZZER=1)
  target_link_options(mmfuzz-fuzzer-cov PRIVATE -fsanitize=fuzzer)
  target_link_libraries(mmfuzz-fuzzer-cov PRIVATE m)
endif()
