# AFL++ build of the harness (issue 14): mmfuzz-afl, the target in
# persistent mode (fuzz/harness_afl.c), and mmfuzz-afl-mutator.so, the
# custom mutator (fuzz/afl_mutator.c), built beside mmfuzz when AFL++'s
# afl-clang-fast is installed (Debian: afl++). `mmfuzz fuzz --engine afl`
# runs them.
#
# The target is compiled and linked by afl-clang-fast through a launcher
# (fuzz/afl/cc.sh), in this same configure: the same flags and sources as
# every other variant, and no second CMake run to keep in step. The
# mutator is a plain shared library: it runs in afl-fuzz's process and
# must carry no instrumentation.
option(MMFUZZ_AFL "Build the AFL++ target and custom mutator (needs afl-clang-fast)" ON)
option(MMFUZZ_AFL_LTO "Build the AFL++ target with afl-clang-lto instead of afl-clang-fast" OFF)

if(MMFUZZ_AFL AND MMFUZZ_IS_CLANG)
  if(MMFUZZ_AFL_LTO)
    find_program(MMFUZZ_AFL_CC NAMES afl-clang-lto)
  else()
    find_program(MMFUZZ_AFL_CC NAMES afl-clang-fast)
  endif()
endif()

if(MMFUZZ_AFL AND MMFUZZ_IS_CLANG AND MMFUZZ_AFL_CC)
  # fuzz/afl/denylist.txt: the harness's clock-driven functions stay
  # uninstrumented (AFL++ ignores no_sanitize("coverage")).
  set(MMFUZZ_AFL_LAUNCHER ${CMAKE_COMMAND} -E env
    AFL_LLVM_DENYLIST=${CMAKE_SOURCE_DIR}/fuzz/afl/denylist.txt
    sh ${CMAKE_SOURCE_DIR}/fuzz/afl/cc.sh ${MMFUZZ_AFL_CC})
  add_executable(mmfuzz-afl ${MMFUZZ_CORE_SOURCES} fuzz/harness_core.c fuzz/harness_afl.c)
  set_target_properties(mmfuzz-afl PROPERTIES
    C_COMPILER_LAUNCHER "${MMFUZZ_AFL_LAUNCHER}"
    C_LINKER_LAUNCHER "${MMFUZZ_AFL_LAUNCHER}")
  target_link_libraries(mmfuzz-afl PRIVATE m)

  add_library(mmfuzz-afl-mutator MODULE ${MMFUZZ_CORE_SOURCES} fuzz/harness_core.c
    fuzz/afl_mutator.c)
  set_target_properties(mmfuzz-afl-mutator PROPERTIES PREFIX "" C_VISIBILITY_PRESET hidden)
  # Only afl_custom_* leave the library, and its own calls stay inside it
  # whatever afl-fuzz exports.
  target_link_options(mmfuzz-afl-mutator PRIVATE -Wl,-Bsymbolic)
  target_link_libraries(mmfuzz-afl-mutator PRIVATE m)
  message(STATUS "AFL++: mmfuzz-afl and mmfuzz-afl-mutator.so with ${MMFUZZ_AFL_CC}")
else()
  message(STATUS "AFL++: afl-clang-fast not found, no AFL++ target (Debian package afl++)")
endif()
