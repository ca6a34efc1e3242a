"""`oneid serve`: a brand-scoped HTTP API over the published night (docs/api.md)."""
