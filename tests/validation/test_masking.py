from datetime import datetime, timezone

import pytest

from pipeline.validation.masking import mask_text, render_example


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        "+86 138 1234 5678",
        "0086-138-1234-5678",
        "86-13812345678",
        "138-1234-5678",
        "１３８１２３４５６７８",
        "1.38123E+10",
        "010-87654321",
    ],
)
def test_phone_looking_values_are_masked(raw: str) -> None:
    masked = mask_text(raw)
    assert "*" in masked
    digits = "".join(ch for ch in masked if ch.isdigit())
    assert len(digits) <= 3


def test_email_keeps_only_first_letter_and_domain() -> None:
    assert mask_text("alice.wang@example.com") == "a***@example.com"
    assert mask_text("contact: bob@qq.com;") == "contact: b***@qq.com;"


@pytest.mark.parametrize(
    "kept",
    ["2026112212345678", "tmall_orders/2026-01-09/export.csv", "2026-01-09T12:00:00+00:00", "138****1234", "V3"],
)
def test_ids_dates_and_already_masked_values_are_kept(kept: str) -> None:
    assert mask_text(kept) == kept


def test_render_example_masks_inside_tuples_and_rows() -> None:
    assert render_example(("13812345678", 5.0)) == "(138********, 5)"
    row = {"id_value": "bob@example.com", "file_path": "consents/2026-01-09/a.csv"}
    assert render_example(row) == "id_value=b***@example.com, file_path=consents/2026-01-09/a.csv"
    assert render_example(float("nan")) == "null"
    assert render_example(datetime(2026, 1, 9, tzinfo=timezone.utc)) == "2026-01-09T00:00:00+00:00"
