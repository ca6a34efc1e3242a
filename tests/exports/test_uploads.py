"""Per-person uploads (Meta, Google, TikTok): one row per person, each type in up to its platform's
number of columns, built from hand-made identifiers."""

from __future__ import annotations

import csv
import hashlib
import io

from pipeline.exports.audience import MediaCampaign, PersonIdentifier
from pipeline.exports.platforms import PLATFORMS
from pipeline.exports.uploads import plan_uploads, render

CAMPAIGN = MediaCampaign("C1", "test", "meta", "beian", "aud_test", ())


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_a_row_holds_one_persons_keys_up_to_the_platforms_maximum() -> None:
    four_emails = [f"u{n}@example.com" for n in range(4)]
    identifiers = [
        *(PersonIdentifier("P1", "email", "global", e, None, f"h-{e}") for e in four_emails),
        PersonIdentifier("P1", "phone", "global", "13800138000", None, "h-13800138000"),
        PersonIdentifier("P2", "phone", "global", "13900139000", None, "h-13900139000"),
        PersonIdentifier("P2", "idfa", "global", "AECE52E7-03EE-455A-B3C4-E57283966239", None, "h-AECE52E7-03EE-455A-B3C4-E57283966239"),
        PersonIdentifier("P3", "phone", "global", "12345", None, "h-12345"),  # not a mobile number: no row
    ]
    (upload,) = plan_uploads(PLATFORMS["meta"], CAMPAIGN, identifiers)
    table = list(csv.reader(io.StringIO(render(upload, "csv_per_person").decode())))
    assert table[0] == ["email"] * 3 + ["phone"] * 3 + ["madid"]
    kept = sorted(sha(e) for e in four_emails)[:3]
    assert sorted(table[1:]) == table[1:] and len(table) == 3
    assert [*kept, sha("8613800138000"), "", "", ""] in table[1:]
    assert ["", "", "", sha("8613900139000"), "", "", "aece52e7-03ee-455a-b3c4-e57283966239"] in table[1:]
    assert upload.rows == upload.people == 2
    email, phone, madid = upload.columns
    assert (email.over_cap, email.rejected, len(email.values)) == (1, 0, 3)
    assert (phone.rejected, len(phone.people)) == (1, 2)
    assert upload.keys_per_person() == {"2": 1, "4": 1}


def test_files_per_type_keep_every_value() -> None:
    identifiers = [PersonIdentifier("P1", "phone", "global", p, None, f"h-{p}") for p in ("13800138000", "13900139000")]
    uploads = {u.file_name: u for u in plan_uploads(PLATFORMS["alimama"], CAMPAIGN, identifiers)}
    assert uploads["PHONE_MD5.txt"].rows == 2 and uploads["PHONE_MD5.txt"].columns[0].over_cap == 0
