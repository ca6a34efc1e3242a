"""A night's landing: find the deliveries (inbox.py), read, judge and write them (night.py, writing.py)."""
