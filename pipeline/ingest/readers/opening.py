"""Open a delivered file as its source's declared format, or say why it cannot be."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.ingest.readers.decoding import GZIP_MAGIC, decode_text, gunzip
from pipeline.ingest.landing.inbox import Delivery
from pipeline.ingest.readers.xlsx import Sheet, open_workbook


@dataclass(frozen=True)
class OpenedFile:
    delivery: Delivery
    file_sha256: str
    file_bytes: int
    encoding: str  # as recorded in the registry
    payload: bytes | Sheet  # UTF-8 text (CSV, JSON Lines) or the first sheet (XLSX)

    @property
    def payload_bytes(self) -> int:
        """Size of what the readers will work on (a gzip file may grow tenfold)."""
        return len(self.payload) if isinstance(self.payload, bytes) else self.file_bytes


def has_accepted_extension(delivery: Delivery) -> bool:
    return delivery.name.lower().endswith(delivery.source.accepted_extensions())


def open_delivery(delivery: Delivery, data: bytes, file_sha256: str) -> OpenedFile:
    """Raises UnreadableFile when the bytes are not the declared format."""
    source = delivery.source
    if source.file_format == "xlsx":
        return OpenedFile(delivery, file_sha256, len(data), "xlsx", open_workbook(data))
    text, prefix = data, ""
    # A JSON Lines export may be gzipped whatever its name says; the magic bytes tell.
    if source.format_of(delivery.name) == "jsonl" and (delivery.name.lower().endswith(".gz") or data.startswith(GZIP_MAGIC)):
        text, prefix = gunzip(data), "gzip+"
    decoded = decode_text(text)
    return OpenedFile(delivery, file_sha256, len(data), prefix + decoded.encoding, decoded.data)
