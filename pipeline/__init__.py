"""OneID: batch customer-data platform."""

import os

# polars' allocator (jemalloc) hands freed pages back to the kernel within
# about ten seconds by default; landing a night allocates and frees
# gigabytes of short-lived frames, so the kernel spent a sixth of the CPU of
# a load zeroing pages and flushing TLBs (docs/benchmarks.md). Keeping freed
# pages for 30 s and purging them from a background thread avoids that.
# Read once, when polars is first imported: set here, before any import of
# it; a value set by the operator wins.
os.environ.setdefault("_RJEM_MALLOC_CONF", "background_thread:true,dirty_decay_ms:30000,muzzy_decay_ms:30000")
