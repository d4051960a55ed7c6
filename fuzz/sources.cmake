set(MMFUZZ_INPUT_SOURCES fuzz/input.c fuzz/text.c fuzz/runner.c fuzz/mutate.c
  fuzz/race_events.c fuzz/cli_load.c fuzz/minimize.c fuzz/explain.c fuzz/oracle_docs.c
  fuzz/recording.c)
set(MMFUZZ_CLI_SOURCES fuzz/cli.c fuzz/campaign.c fuzz/findings.c
  fuzz/replay.c fuzz/timeline.c fuzz/explore.c fuzz/xalloc.c)
set(MMFUZZ_HARNESS_SOURCES fuzz/harness.c)
set_source_files_properties(fuzz/campaign.c PROPERTIES
  COMPILE_DEFINITIONS "MMFUZZ_SOURCE_DIR=\"${CMAKE_SOURCE_DIR}\"")
