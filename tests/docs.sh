#!/bin/sh
echo "docs: not written yet"
exit 1
