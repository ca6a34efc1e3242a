"""Readers, one per delivered format (as polars splits io/csv, io/ndjson): every one turns a batch of files of one source into raw rows (raw_rows.py)."""
