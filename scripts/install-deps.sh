#!/bin/sh
# Install what a fresh Debian machine lacks to build and test mmfuzz.
# Packages by Debian name; nothing is downloaded from anywhere else.
set -eu
# libcjson-dev: findings/<model>/summary.json; jq checks it in the tests;
# chromium renders the timeline page in the tests (headless);
# libxml2-dev writes smoke's JUnit XML, libxml2-utils (xmllint) checks it;
# afl++ (afl-clang-fast, afl-fuzz): the AFL++ engine (fuzz/afl.cmake);
# zip packs the OSS-Fuzz seed corpora (scripts/oss-fuzz-build.sh).
PACKAGES="clang libclang-rt-14-dev cmake ninja-build make libboost-context-dev libcjson-dev
 jq chromium clang-format clang-tidy libxml2-dev libxml2-utils afl++ zip"
missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
