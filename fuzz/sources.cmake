# The fuzzing layer: inputs, the runner, the mutator, minimising and
# explaining. It knows nothing of the command line.
set(MMFUZZ_INPUT_SOURCES fuzz/input.c fuzz/text.c fuzz/runner.c fuzz/mutate.c
  fuzz/race_events.c fuzz/minimize.c fuzz/minimize_track.c fuzz/minimize_program.c
  fuzz/minimize_schedule.c fuzz/explain.c fuzz/oracle_docs.c fuzz/recording.c
  fuzz/manifest.c fuzz/prove.c fuzz/strategy_select.c)
set(MMFUZZ_HARNESS_SOURCES fuzz/harness.c fuzz/harness_core.c)
