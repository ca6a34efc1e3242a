"""Landing of channel exports: inbox -> lake (Parquet) + quarantine + file registry."""
