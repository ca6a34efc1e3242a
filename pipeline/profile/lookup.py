"""Find the OneID a typed identifier belongs to.

A phone or email is normalized like staging does and looked up, by value,
in the restricted store (the only place raw identifiers live); a OneID is
checked against the analyst warehouse; anything else (member id, openid,
unionid, ouid, JD pin, App user id, device id) is an opaque value looked up
as typed, and must belong to exactly one person.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from pipeline.errors import ConfigurationError
from pipeline.home import Home
from pipeline.identifiers import looks_like_oneid, normalize_cn_mobile, normalize_email


class PersonNotFound(ConfigurationError):
    """No person (or more than one) holds what was typed."""

    label = "not found"


@dataclass(frozen=True)
class Match:
    oneid: str
    id_type: str  # what the input was taken for: oneid, phone, email, or the identifier type found


def published_files(home: Home) -> None:
    if not home.warehouse.is_file():
        raise ConfigurationError(f"no published warehouse at {home.warehouse}; run `oneid run` first")
    if not home.restricted.is_file():
        raise ConfigurationError(f"no restricted store at {home.restricted}; run `oneid run` first")


def find_person(home: Home, query: str) -> Match:
    published_files(home)
    text = query.strip()
    if not text:
        raise PersonNotFound("nothing to look up")
    if looks_like_oneid(text):
        with duckdb.connect(str(home.warehouse), read_only=True) as con:
            found = con.execute(
                "select count(*) from map_identifier_oneid where oneid = ?", [text.upper()]
            ).fetchone()[0]
        if found:
            return Match(text.upper(), "oneid")
        # Not a OneID after all: an opaque id may start with the same letters.
    phone = normalize_cn_mobile(text)
    if phone is not None:
        try:
            return _by_value(home, phone, ("phone",), "phone")
        except PersonNotFound:
            if not text.isdigit():
                raise  # typed as a phone (+86, dashes): not a numeric member id either
    if "@" in text:
        email = normalize_email(text)
        if email is None:
            raise PersonNotFound(f"{text!r} is not a valid email address")
        return _by_value(home, email, ("email",), "email")
    return _by_value(home, text, None, "identifier")


def _by_value(home: Home, value: str, id_types: tuple[str, ...] | None, described: str) -> Match:
    type_filter = ""
    params: list[object] = [value, value.lower()]
    if id_types:
        type_filter = f"and id_type in ({', '.join('?' for _ in id_types)})"
        params.extend(id_types)
    with duckdb.connect(str(home.restricted), read_only=True) as con:
        rows = con.execute(
            f"""
            select distinct oneid, id_type
            from int_identifier_oneids
            -- device ids compare case-insensitively (IDFA is kept upper-case)
            where (value = ? or lower(value) = ?) {type_filter}
            order by oneid
            """,
            params,
        ).fetchall()
    oneids = sorted({row[0] for row in rows})
    if not oneids:
        raise PersonNotFound(f"no person holds this {described}")
    if len(oneids) > 1:
        kinds = ", ".join(sorted({row[1] for row in rows}))
        raise PersonNotFound(
            f"{len(oneids)} persons hold this value ({kinds} in different namespaces): {', '.join(oneids[:5])}; "
            "look up one of these OneIDs"
        )
    return Match(oneids[0], rows[0][1])
