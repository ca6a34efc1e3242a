"""OneID: batch customer-data platform."""
