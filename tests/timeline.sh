#!/bin/sh
# the HTML timeline, rendered in headless Chromium (TO BE WRITTEN)
echo "0 passed, 1 failed"
exit 1
