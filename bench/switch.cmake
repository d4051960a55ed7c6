# bench_switch: ns per context switch, asm vs swapcontext vs Boost.Context.
add_executable(bench_switch bench/bench_switch.c)
target_link_libraries(bench_switch PRIVATE mmfuzz_core)
find_library(MMFUZZ_BOOST_CONTEXT_LIB boost_context)
if(MMFUZZ_BOOST_CONTEXT_LIB)
  target_compile_definitions(bench_switch PRIVATE MMFUZZ_HAVE_BOOST_CONTEXT=1)
  target_link_libraries(bench_switch PRIVATE ${MMFUZZ_BOOST_CONTEXT_LIB})
endif()
