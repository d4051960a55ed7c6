# Scheduler unit tests (label `unit`): one binary, tests/sched/*.c.
set(MMFUZZ_SCHED_TEST_SOURCES
  tests/sched/test_main.c
  tests/sched/programs.c
  tests/sched/test_basics.c
  tests/sched/test_lockdep.c
  tests/sched/test_rwsem.c
  tests/sched/test_strategies.c
  tests/sched/test_dpor.c
  tests/sched/programs_rcu.c
  tests/sched/test_rcu.c)

add_executable(test_sched ${MMFUZZ_SCHED_TEST_SOURCES})
target_link_libraries(test_sched PRIVATE mmfuzz_core)
add_test(NAME sched_unit COMMAND test_sched)
set_tests_properties(sched_unit PROPERTIES LABELS unit)

# The same tests on the portable ucontext fiber backend.
add_executable(test_sched_ucontext ${MMFUZZ_SCHED_TEST_SOURCES} ${MMFUZZ_SCHED_SOURCES})
target_compile_definitions(test_sched_ucontext PRIVATE MMFUZZ_FIBER_UCONTEXT=1)
add_test(NAME sched_unit_ucontext COMMAND test_sched_ucontext)
set_tests_properties(sched_unit_ucontext PROPERTIES LABELS unit)

# The scheduler under TSan (label `sanitize`): no false reports from the
# scheduler, fiber reuse or abandoned lock state; real races reported.
if(MMFUZZ_TSAN AND CMAKE_C_COMPILER_ID MATCHES "Clang")
  add_executable(test_sched_tsan tests/sched/tsan_check.c ${MMFUZZ_SCHED_SOURCES})
  target_compile_options(test_sched_tsan PRIVATE -fsanitize=thread -DMMFUZZ_TSAN=1)
  target_link_options(test_sched_tsan PRIVATE -fsanitize=thread)
  add_test(NAME sched_tsan_clean COMMAND test_sched_tsan clean)
  set_tests_properties(sched_tsan_clean PROPERTIES LABELS sanitize
    ENVIRONMENT "TSAN_OPTIONS=halt_on_error=1:exitcode=66")
  add_test(NAME sched_tsan_race COMMAND test_sched_tsan racy)
  set_tests_properties(sched_tsan_race PROPERTIES LABELS sanitize
    ENVIRONMENT "TSAN_OPTIONS=halt_on_error=1:exitcode=66"
    PASS_REGULAR_EXPRESSION "WARNING: ThreadSanitizer: data race")
endif()
