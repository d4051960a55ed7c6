#!/bin/bash -eu
# ClusterFuzzLite's build step: the same build as OSS-Fuzz's, in the repo.
# It runs in the Dockerfile's WORKDIR, the repository ($SRC/mmfuzz).
./scripts/oss-fuzz-build.sh
