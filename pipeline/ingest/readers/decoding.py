"""Turn the bytes of a delivered text file into validated UTF-8.

The encoding is detected, never assumed from what a vendor usually sends:
a UTF-8 byte-order mark means UTF-8 with BOM; bytes that decode as strict
UTF-8 are UTF-8; anything else must decode as GB18030 (which covers GBK and
GB2312, the encodings of Chinese Windows Excel exports) or the file is
unreadable. GB18030 is only a fallback because almost any byte soup that is
valid UTF-8 would also "decode" as GB18030, into nonsense.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
GZIP_MAGIC = b"\x1f\x8b"


class UnreadableFile(Exception):
    """The file cannot be read as its declared format; the message says why."""


@dataclass(frozen=True)
class DecodedText:
    encoding: str  # as recorded in the file registry
    data: bytes  # the text as UTF-8, without a byte-order mark


def gunzip(data: bytes) -> bytes:
    """Decompress a gzip file, including files made of several gzip members."""
    if not data.startswith(GZIP_MAGIC):
        raise UnreadableFile("not a gzip file (no gzip magic bytes)")
    parts: list[bytes] = []
    rest = data
    try:
        while rest:
            stream = zlib.decompressobj(wbits=31)
            parts.append(stream.decompress(rest))
            if not stream.eof:
                raise UnreadableFile("truncated gzip stream (the file ends inside compressed data)")
            rest = stream.unused_data
            # Some writers pad the end of a gzip file with zero bytes.
            if rest.strip(b"\x00") == b"":
                break
    except zlib.error as failure:
        raise UnreadableFile(f"corrupt gzip data: {failure}") from None
    return b"".join(parts)


def is_utf8(data: bytes) -> bool:
    """Strict UTF-8 (overlong forms, surrogates, truncated sequences fail).

    Arrow validates the bytes in place, an order of magnitude faster than
    bytes.decode, which would also build a str nobody needs.
    """
    if data.isascii():
        return True
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64).tobytes())
    text = pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        text.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def decode_text(data: bytes) -> DecodedText:
    """Detect the encoding of a text file and return its content as UTF-8."""
    if data.startswith(UTF8_BOM):
        body = data[len(UTF8_BOM) :]
        if not is_utf8(body):
            raise UnreadableFile("starts with a UTF-8 byte-order mark but is not valid UTF-8")
        return DecodedText("utf-8-sig", _require_text(body))
    if data.startswith(UTF16_BOMS):
        raise UnreadableFile("UTF-16 text (byte-order mark found); deliver UTF-8 or GB18030")
    if is_utf8(data):
        return DecodedText("utf-8", _require_text(data))
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as failure:
        raise UnreadableFile(
            f"undecodable: neither UTF-8 nor GB18030 (bad byte {data[failure.start]:#04x} "
            f"at offset {failure.start})"
        ) from None
    return DecodedText("gb18030", _require_text(text.encode("utf-8")))


def _require_text(data: bytes) -> bytes:
    if b"\x00" in data:
        raise UnreadableFile("binary content: the file contains NUL bytes")
    return data
