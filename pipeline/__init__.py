"""OneID: batch customer-data platform."""

import os

# polars' allocator (jemalloc) hands freed pages back to the kernel after
# 0.5-1 s (polars' own setting); landing a night allocates and frees
# gigabytes of short-lived frames, so the kernel spent a sixth of the CPU of
# a load faulting zeroed pages back in (docs/benchmarks.md). Keeping them for
# 30 s avoids that. polars appends this variable to its own setting when it
# is first imported, so it must be set before any import of polars: every
# entry point imports `pipeline` first. A value set by the operator wins.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:30000,muzzy_decay_ms:30000")
