"""Raw rows into lake rows: cleaning and typing (parsing.py, values.py, timestamps.py) and the contract rules that quarantine (rules.py)."""
