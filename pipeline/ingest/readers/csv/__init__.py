"""CSV: the header line, then the fastest exact split a batch of files allows (polars_split.py, else line_split.py)."""
