# bench_switch: ns per context switch, asm vs swapcontext vs Boost.Context.
add_executable(bench_switch bench/bench_switch.c)
target_link_libraries(bench_switch PRIVATE mmfuzz_core)
find_library(MMFUZZ_BOOST_CONTEXT_LIB boost_context)
if(MMFUZZ_BOOST_CONTEXT_LIB)
  target_compile_definitions(bench_switch PRIVATE MMFUZZ_HAVE_BOOST_CONTEXT=1)
  target_link_libraries(bench_switch PRIVATE ${MMFUZZ_BOOST_CONTEXT_LIB})
endif()

# The same benchmark with the scheduler on Boost.Context's switch, so the
# two are compared where it matters: inside sched_point.
if(MMFUZZ_BOOST_CONTEXT_LIB)
  add_executable(bench_switch_boost bench/bench_switch.c ${MMFUZZ_SCHED_SOURCES})
  target_compile_definitions(bench_switch_boost PRIVATE MMFUZZ_FIBER_BOOST=1
                             MMFUZZ_HAVE_BOOST_CONTEXT=1)
  target_link_libraries(bench_switch_boost PRIVATE ${MMFUZZ_BOOST_CONTEXT_LIB})
endif()
