include(tests/sched.cmake OPTIONAL)

add_executable(test_input tests/model/test_input.c)
target_link_libraries(test_input PRIVATE mmfuzz_core)
add_test(NAME input COMMAND test_input)
set_tests_properties(input PROPERTIES LABELS unit)

add_executable(test_model_file tests/model/test_model_file.c)
target_link_libraries(test_model_file PRIVATE mmfuzz_core)
add_test(NAME model_file COMMAND test_model_file)
set_tests_properties(model_file PROPERTIES LABELS unit)

add_executable(test_regress tests/model/test_regress.c)
target_link_libraries(test_regress PRIVATE mmfuzz_core)
add_test(NAME regress COMMAND test_regress ${CMAKE_SOURCE_DIR}/corpus)
set_tests_properties(regress PROPERTIES LABELS regress)

add_executable(test_feedback tests/model/test_feedback.c)
target_link_libraries(test_feedback PRIVATE mmfuzz_core)
add_test(NAME feedback COMMAND test_feedback ${CMAKE_SOURCE_DIR}/corpus)
set_tests_properties(feedback PROPERTIES LABELS unit)

add_executable(test_explain tests/model/test_explain.c)
target_link_libraries(test_explain PRIVATE mmfuzz_core)
add_test(NAME explain COMMAND test_explain ${CMAKE_SOURCE_DIR}/corpus)
set_tests_properties(explain PROPERTIES LABELS unit)

add_test(NAME minimize COMMAND ${CMAKE_SOURCE_DIR}/tests/minimize.sh $<TARGET_FILE:mmfuzz>
         ${CMAKE_SOURCE_DIR}/corpus)
set_tests_properties(minimize PROPERTIES LABELS unit TIMEOUT 600)

add_test(NAME timeline COMMAND ${CMAKE_SOURCE_DIR}/tests/timeline.sh $<TARGET_FILE:mmfuzz>
         ${CMAKE_SOURCE_DIR}/corpus)
set_tests_properties(timeline PROPERTIES LABELS unit TIMEOUT 300)

add_test(NAME cli COMMAND ${CMAKE_SOURCE_DIR}/tests/cli.sh $<TARGET_FILE:mmfuzz>
         ${CMAKE_SOURCE_DIR}/corpus)
set_tests_properties(cli PROPERTIES LABELS unit)

if(TARGET mmfuzz-fuzzer)
  add_test(NAME findings COMMAND ${CMAKE_SOURCE_DIR}/tests/findings.sh ${CMAKE_BINARY_DIR}
           ${CMAKE_SOURCE_DIR}/corpus)
  set_tests_properties(findings PROPERTIES LABELS smoke TIMEOUT 900)
  add_test(NAME smoke COMMAND ${CMAKE_SOURCE_DIR}/tests/smoke.sh ${CMAKE_BINARY_DIR})
  set_tests_properties(smoke PROPERTIES LABELS smoke TIMEOUT 900)
endif()

add_test(NAME lint COMMAND ${CMAKE_SOURCE_DIR}/tests/lint.sh ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR})
set_tests_properties(lint PROPERTIES LABELS lint)

if(TARGET mmfuzz-tsan)
  add_test(NAME tsan_corpus COMMAND ${CMAKE_SOURCE_DIR}/tests/tsan_corpus.sh
           $<TARGET_FILE:mmfuzz-tsan> ${CMAKE_SOURCE_DIR}/corpus)
  set_tests_properties(tsan_corpus PROPERTIES LABELS sanitize)
  add_test(NAME tsan_mutant COMMAND ${CMAKE_SOURCE_DIR}/tests/tsan_mutant.sh
           $<TARGET_FILE:mmfuzz-tsan> ${CMAKE_SOURCE_DIR}/corpus)
  set_tests_properties(tsan_mutant PROPERTIES LABELS sanitize)
endif()

# `mmfuzz smoke`: latest must be clean, each era profile must show its
# catalogued bugs, and the results are deterministic (JUnit, JSON).
add_test(NAME ci_smoke COMMAND ${CMAKE_SOURCE_DIR}/tests/ci_smoke.sh $<TARGET_FILE:mmfuzz>
         ${CMAKE_SOURCE_DIR}/corpus)
set_tests_properties(ci_smoke PROPERTIES LABELS smoke TIMEOUT 900)

if(TARGET mmfuzz-fuzzer)
  # Campaigns: --runs, --seed reproducibility, stats, corpus merge, signals.
  add_test(NAME campaign COMMAND ${CMAKE_SOURCE_DIR}/tests/campaign.sh ${CMAKE_BINARY_DIR}
           ${CMAKE_SOURCE_DIR}/corpus)
  set_tests_properties(campaign PROPERTIES LABELS smoke TIMEOUT 900)
endif()

# The docs and the lint tell the truth: links stay inside the repository,
# lint fails when its tools are missing.
add_test(NAME docs COMMAND ${CMAKE_SOURCE_DIR}/tests/docs.sh ${CMAKE_SOURCE_DIR})
set_tests_properties(docs PROPERTIES LABELS unit)

# Bounded proofs (issue 16): every point says what it touches; reduced and
# naive exploration agree on model scenarios; the prove command end to end.
add_executable(test_annotations tests/model/test_annotations.c)
target_link_libraries(test_annotations PRIVATE mmfuzz_core)
add_test(NAME annotations COMMAND test_annotations ${CMAKE_SOURCE_DIR}/corpus)
set_tests_properties(annotations PROPERTIES LABELS unit)

add_executable(test_prove tests/model/test_prove.c)
target_link_libraries(test_prove PRIVATE mmfuzz_core)
add_test(NAME prove_soundness COMMAND test_prove ${CMAKE_SOURCE_DIR}/corpus)
set_tests_properties(prove_soundness PROPERTIES LABELS unit TIMEOUT 600)

add_test(NAME prove COMMAND ${CMAKE_SOURCE_DIR}/tests/prove.sh $<TARGET_FILE:mmfuzz>
         ${CMAKE_SOURCE_DIR}/corpus)
set_tests_properties(prove PROPERTIES LABELS unit TIMEOUT 600)

add_test(NAME explore COMMAND ${CMAKE_SOURCE_DIR}/tests/explore.sh $<TARGET_FILE:mmfuzz>
         ${CMAKE_SOURCE_DIR}/corpus)
set_tests_properties(explore PROPERTIES LABELS unit TIMEOUT 600)

# Per-VMA locks: which faults take which lock, read off the trace.
add_executable(test_vma_lock tests/model/test_vma_lock.c tests/model/trace_run.c)
target_link_libraries(test_vma_lock PRIVATE mmfuzz_core)
add_test(NAME vma_lock COMMAND test_vma_lock)

add_executable(test_tlb_invariant tests/model/test_tlb_invariant.c)
target_link_libraries(test_tlb_invariant PRIVATE mmfuzz_core)
add_test(NAME tlb_invariant COMMAND test_tlb_invariant)

# Stacks: growth from the page fault, and StackRot's flip (B8f).
add_executable(test_stack tests/model/test_stack.c tests/model/trace_run.c)
target_link_libraries(test_stack PRIVATE mmfuzz_core)
add_test(NAME stack COMMAND test_stack)

# mremap(MREMAP_DONTUNMAP) and B8b (lock_vma_under_rcu's anon_vma check).
add_executable(test_mremap tests/model/test_mremap.c tests/model/trace_run.c)
target_link_libraries(test_mremap PRIVATE mmfuzz_core)
add_test(NAME mremap COMMAND test_mremap)

# Memory policies and mbind (B8d): refcounts, fork's copy, the v6.4 use-after-free.
add_executable(test_mempolicy tests/model/test_mempolicy.c tests/model/trace_run.c)
target_link_libraries(test_mempolicy PRIVATE mmfuzz_core)
add_test(NAME mempolicy COMMAND test_mempolicy)

# anon_vmas, merges and B8c (dup_anon_vma without the VMA write lock).
add_executable(test_anon_vma tests/model/test_anon_vma.c tests/model/trace_run.c)
target_link_libraries(test_anon_vma PRIVATE mmfuzz_core)
add_test(NAME anon_vma COMMAND test_anon_vma)

# Speculative page faults (proposal) and the no-I/O-under-mmap_lock check.
add_executable(test_speculative tests/model/test_speculative.c tests/model/trace_run.c)
target_link_libraries(test_speculative PRIVATE mmfuzz_core)
add_test(NAME speculative COMMAND test_speculative)

# AFL++ as the second engine (issue 14): `mmfuzz fuzz --engine afl` finds
# v5.7's fork-isolation violation and files it; --jobs 2; no leftovers.
if(TARGET mmfuzz-afl)
  add_test(NAME afl COMMAND ${CMAKE_SOURCE_DIR}/tests/afl.sh ${CMAKE_BINARY_DIR}
           ${CMAKE_SOURCE_DIR}/corpus)
  set_tests_properties(afl PROPERTIES LABELS smoke TIMEOUT 300 SKIP_RETURN_CODE 77)
endif()

# OSS-Fuzz / ClusterFuzzLite (issue 14): build.sh with OSS-Fuzz's
# environment for libFuzzer+ASan, without docker; each fuzzer with its
# options, dictionary and seeds; latest stays clean 10 s, v5.7 finds a
# violation that replays. `tests/oss_fuzz.sh SRC undefined|afl` by hand.
add_test(NAME oss_fuzz COMMAND ${CMAKE_SOURCE_DIR}/tests/oss_fuzz.sh ${CMAKE_SOURCE_DIR})
set_tests_properties(oss_fuzz PROPERTIES LABELS smoke TIMEOUT 300 SKIP_RETURN_CODE 77)
