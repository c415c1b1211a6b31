#!/bin/sh
# BROWSER for the benchmark: tells the parent (through a FIFO) that the URL was handed over.
printf "%s\n" "$1" > "$BENCH_FIFO"
