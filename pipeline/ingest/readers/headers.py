"""Match a delivered header row against a source's contract.

Exports are edited by hand in Excel before they are sent, so a header may
carry a byte-order mark, stray spaces (ASCII, no-break or full-width) or a
different letter case; none of that makes it a different column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.ingest.sources import Column, Source

_INVISIBLE = "\ufeff\u200b\u00a0\u3000"


def normalize_header(text: str | None) -> str:
    return (text or "").strip().strip(_INVISIBLE).strip()


@dataclass(frozen=True)
class HeaderMatch:
    """Where each contract header sits in a delivered header row."""

    positions: dict[str, int]  # contract header -> 0-based position in the file
    width: int  # number of fields in the delivered header
    extra: tuple[str, ...]  # delivered headers the contract does not know (schema drift)
    missing_required: tuple[Column, ...]
    missing_optional: tuple[str, ...]  # contract headers absent from the file

    @property
    def rejection_message(self) -> str:
        missing = ", ".join(
            c.header if c.header == c.name else f"{c.header} ({c.name})" for c in self.missing_required
        )
        return f"header lacks required column(s): {missing}"

    def notes(self) -> list[str]:
        notes = []
        if self.missing_optional:
            notes.append("optional column(s) absent: " + ", ".join(self.missing_optional))
        return notes


def contract_headers(source: Source) -> tuple[str, ...]:
    """Distinct delivered headers of a source (one header can feed two columns)."""
    return tuple(dict.fromkeys(c.header for c in source.columns))


def match_header(source: Source, delivered: Sequence[str]) -> HeaderMatch:
    wanted = contract_headers(source)
    exact = {h: h for h in wanted}
    folded = {h.casefold(): h for h in wanted}
    positions: dict[str, int] = {}
    extra: list[str] = []
    for index, raw in enumerate(delivered):
        name = normalize_header(raw)
        header = exact.get(name) or folded.get(name.casefold())
        if header is None or header in positions:
            # A repeated header is drift too: the first occurrence is the column.
            label = name or f"(unnamed column {index + 1})"
            extra.append(label if header is None else f"{label} (repeated)")
            continue
        positions[header] = index
    missing_required = tuple(c for c in source.required_columns if c.header not in positions)
    required_headers = {c.header for c in source.required_columns}
    missing_optional = tuple(h for h in wanted if h not in positions and h not in required_headers)
    return HeaderMatch(
        positions=positions,
        width=len(delivered),
        extra=tuple(extra),
        missing_required=missing_required,
        missing_optional=missing_optional,
    )
