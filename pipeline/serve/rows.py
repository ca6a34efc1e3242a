"""Query results as JSON-ready records."""

from __future__ import annotations

from typing import Any

import duckdb


def records(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]
