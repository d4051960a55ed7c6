# The command line: option parsing and one file per command (or family).
# It depends on fuzz/, never the other way.
set(MMFUZZ_CLI_SOURCES cli/main.c cli/options.c cli/load.c cli/run.c cli/replay.c
  cli/convert.c cli/profiles.c cli/minimize.c cli/explain.c cli/explore.c
  cli/campaign.c cli/findings.c cli/timeline.c cli/timeline_trace.c cli/timeline_geometry.c
  cli/xalloc.c
  cli/sanitizer.c cli/smoke.c cli/smoke_plan.c cli/smoke_run.c cli/smoke_reproducer.c
  cli/smoke_report.c cli/stats.c cli/corpus.c
  cli/campaign_filing.c cli/campaign_report.c cli/libfuzzer.c cli/stats_file.c cli/plot.c
  cli/prove.c cli/smoke_prove.c cli/afl.c cli/campaign_afl.c)
set_source_files_properties(cli/campaign.c cli/smoke_plan.c PROPERTIES
  COMPILE_DEFINITIONS "MMFUZZ_SOURCE_DIR=\"${CMAKE_SOURCE_DIR}\"")
