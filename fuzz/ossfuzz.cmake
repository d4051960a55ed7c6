# The fuzz targets' flags when the engine and the sanitizers come from
# outside (OSS-Fuzz, ClusterFuzzLite: scripts/oss-fuzz-build.sh), and the
# per-profile targets mmfuzz_<profile>. Included by the root CMakeLists.txt
# with MMFUZZ_FUZZ_FLAGS/MMFUZZ_FUZZ_LINK set to the local build's
# libFuzzer+ASan+UBSan.
if(NOT MMFUZZ_FUZZ_ENGINE_FLAGS STREQUAL "")
  # CFLAGS (already in CMAKE_C_FLAGS) carry the sanitizer and the
  # coverage flags; the engine is linked last, as a library would be, so
  # that an archive such as AFL++'s driver is searched after our objects.
  set(MMFUZZ_FUZZ_FLAGS -DMMFUZZ_LIBFUZZER=1)
  # The local build's coverage choices, when CFLAGS ask for libFuzzer's
  # sanitizer coverage: no stack depth (fiber stacks), no comparison
  # tracing (its cost, and nothing in the mutator reads it).
  if(CMAKE_C_FLAGS MATCHES "fuzzer-no-link|fsanitize-coverage=")
    list(APPEND MMFUZZ_FUZZ_FLAGS -fno-sanitize-coverage=stack-depth,trace-cmp)
  endif()
  separate_arguments(MMFUZZ_FUZZ_LINK UNIX_COMMAND "${MMFUZZ_FUZZ_ENGINE_FLAGS}")
  # "You must use $CXX as a linker": an engine may be a C++ archive.
  if(NOT DEFINED ENV{CXX} AND NOT DEFINED CMAKE_CXX_COMPILER)
    string(REGEX REPLACE "clang(-[0-9]+)?$" "clang++\\1" MMFUZZ_CXX "${CMAKE_C_COMPILER}")
    if(EXISTS "${MMFUZZ_CXX}")
      set(CMAKE_CXX_COMPILER "${MMFUZZ_CXX}")
    endif()
  endif()
  enable_language(CXX)
  set(MMFUZZ_FUZZ_LINKER_LANGUAGE CXX)
  message(STATUS "fuzz targets: engine '${MMFUZZ_FUZZ_ENGINE_FLAGS}', sanitizers from CFLAGS")
else()
  set(MMFUZZ_FUZZ_LINKER_LANGUAGE C)
endif()

# Compile and link a fuzz target with the engine and sanitizer flags.
function(mmfuzz_fuzz_target target)
  target_compile_options(${target} PRIVATE ${MMFUZZ_FUZZ_FLAGS})
  if(MMFUZZ_FUZZ_ENGINE_FLAGS STREQUAL "")
    target_link_options(${target} PRIVATE ${MMFUZZ_FUZZ_LINK})
    target_link_libraries(${target} PRIVATE m)
  else()
    target_link_libraries(${target} PRIVATE m ${MMFUZZ_FUZZ_LINK})
  endif()
  set_target_properties(${target} PROPERTIES LINKER_LANGUAGE ${MMFUZZ_FUZZ_LINKER_LANGUAGE})
endfunction()

# mmfuzz_<profile> (characters outside [A-Za-z0-9_-] become '_', as
# OSS-Fuzz wants): the model fixed at compile time, MMFUZZ_PROFILE still
# overriding it. Only harness_core.c is compiled again per profile.
if(NOT MMFUZZ_FUZZ_PROFILES STREQUAL "")
  if(MMFUZZ_FUZZ_HARNESS STREQUAL "afl")
    set(MMFUZZ_ENTRY_SOURCES fuzz/harness_afl.c)
  elseif(MMFUZZ_FUZZ_HARNESS STREQUAL "libfuzzer")
    set(MMFUZZ_ENTRY_SOURCES fuzz/harness.c)
  else()
    message(FATAL_ERROR "MMFUZZ_FUZZ_HARNESS: libfuzzer or afl, not '${MMFUZZ_FUZZ_HARNESS}'")
  endif()
  add_library(mmfuzz-profile-fuzz-objects OBJECT ${MMFUZZ_CORE_SOURCES} ${MMFUZZ_ENTRY_SOURCES})
  target_compile_options(mmfuzz-profile-fuzz-objects PRIVATE ${MMFUZZ_FUZZ_FLAGS})
endif()

function(mmfuzz_profile_fuzz_target profile)
  string(REGEX REPLACE "[^A-Za-z0-9_-]" "_" name "mmfuzz_${profile}")
  add_executable(${name} fuzz/harness_core.c $<TARGET_OBJECTS:mmfuzz-profile-fuzz-objects>)
  target_compile_definitions(${name} PRIVATE MMFUZZ_DEFAULT_PROFILE="${profile}")
  mmfuzz_fuzz_target(${name})
endfunction()
