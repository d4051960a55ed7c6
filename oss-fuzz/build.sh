#!/bin/bash -eu
# OSS-Fuzz's build step: the same build as ClusterFuzzLite's, in the repo.
# It runs in the Dockerfile's WORKDIR, the repository ($SRC/mmfuzz).
./scripts/oss-fuzz-build.sh
