# scheduler/: fibers, the deterministic scheduler, strategies, sync
# primitives and the trace. Paths are relative to the repository root.
set(MMFUZZ_SCHED_SOURCES
  scheduler/fiber.c
  scheduler/fiber_arch_asm.c
  scheduler/fiber_arch_ucontext.c
  scheduler/fiber_arch_boost.c
  scheduler/site.c
  scheduler/sched.c
  scheduler/access.c
  scheduler/strategy.c
  scheduler/strategy_bytes.c
  scheduler/strategy_random.c
  scheduler/strategy_pct.c
  scheduler/strategy_replay.c
  scheduler/strategy_pos.c
  scheduler/strategy_surw.c
  scheduler/dpor.c
  scheduler/dpor_analysis.c
  scheduler/dpor_objects.c
  scheduler/dpor_sleep.c
  scheduler/lockdep.c
  scheduler/lock_exclusive.c
  scheduler/spinlock.c
  scheduler/mutex.c
  scheduler/rwsem.c
  scheduler/seqcount.c
  scheduler/waitqueue.c
  scheduler/rcu.c
  scheduler/trace.c)
# The hand-written switch; each file assembles to nothing on other
# architectures, where fiber_arch_ucontext.c takes over.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  list(APPEND MMFUZZ_SCHED_SOURCES scheduler/fiber_x86_64.S)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64)$")
  list(APPEND MMFUZZ_SCHED_SOURCES scheduler/fiber_aarch64.S)
endif()
