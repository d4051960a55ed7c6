#!/bin/sh
# CMake's compiler and linker launcher for the AFL++ targets: runs the
# command CMake made with AFL++'s compiler driver (the first argument) in
# place of the compiler CMake chose (the second), which it drops.
afl_cc=$1
shift 2
AFL_QUIET=1 exec "$afl_cc" "$@"
