"""Reason codes for quarantined rows and rejected files.

docs/ingestion.md lists them for operators; tests assert them by value.
"""

from __future__ import annotations

from enum import Enum


class RowReason(str, Enum):
    """Why one row of a delivered file went to quarantine instead of the lake."""

    MALFORMED_ROW = "malformed_row"  # wrong number of fields, broken quoting, truncated line
    MALFORMED_JSON = "malformed_json"  # a JSON Lines line that is not a JSON object
    MISSING_REQUIRED = "missing_required"  # a required field is empty or null
    BAD_TIMESTAMP = "bad_timestamp"  # a time value in no supported format
    BAD_NUMBER = "bad_number"  # an integer field that is not an integer, or below its minimum
    BAD_AMOUNT = "bad_amount"  # not a yuan amount with at most 2 decimals, or below its minimum
    BAD_VALUE = "bad_value"  # a value outside the contract's accepted values
    BAD_IDENTIFIER = "bad_identifier"  # an id that breaks its format (digits-only id, hex digest)
    SIGN_MISMATCH = "sign_mismatch"  # POS quantity and amount disagree in sign, or quantity is 0
    FILE_REJECTED = "file_rejected"  # the whole file was rejected; the detail says why


class FileStatus(str, Enum):
    """Outcome of one delivered file in the file registry."""

    LOADED = "loaded"  # rows landed (some may be quarantined)
    EMPTY = "empty"  # zero bytes or header only: a valid, empty delivery
    REJECTED = "rejected"  # nothing of it loaded; `message` says why
    DUPLICATE = "duplicate"  # same bytes as a file loaded before: skipped


class FileRejection(str, Enum):
    """Why a whole file was rejected."""

    MISSING_REQUIRED_COLUMN = "missing_required_column"
    UNREADABLE = "unreadable"  # not readable as its declared format (bad gzip, not XLSX, binary)
    UNKNOWN_EXTENSION = "unknown_extension"
