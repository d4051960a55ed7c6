include(bench/switch.cmake OPTIONAL)

add_executable(bench_exec bench/bench_exec.c)
target_link_libraries(bench_exec PRIVATE mmfuzz_core)

if(MMFUZZ_IS_CLANG)
  set(MMFUZZ_ASAN_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=undefined)
  add_executable(bench_exec_asan bench/bench_exec.c ${MMFUZZ_CORE_SOURCES})
  target_compile_options(bench_exec_asan PRIVATE ${MMFUZZ_ASAN_FLAGS})
  target_link_options(bench_exec_asan PRIVATE ${MMFUZZ_ASAN_FLAGS})
  target_link_libraries(bench_exec_asan PRIVATE m)
endif()

# How far the directed mutator takes an input into a stale-TLB race.
add_executable(race_chain bench/race_chain.c)
target_link_libraries(race_chain PRIVATE mmfuzz_core)

# Schedules to the first bug per strategy (random, PCT, POS, SURW) on the
# classic programs and the regression reproducers without their schedules.
add_executable(strategy_compare bench/strategy_compare.c tests/sched/programs.c)
target_link_libraries(strategy_compare PRIVATE mmfuzz_core)
