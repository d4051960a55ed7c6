#!/bin/sh
echo "campaign: not written yet"
exit 1
