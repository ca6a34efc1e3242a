"""A shop assistant's tag, accepted by the API and queued as a guide_tags delivery.

The API never writes the warehouse: it checks the tag against the brand's
manual-tag catalog as published (the night checks it again,
int_guides__tag_events) and writes one JSON Lines file per request into
`<home>/inbox/guide_tags/<today in China>/`, with the contract's field names
(shared/contracts/channel-exports.md section 14). The next night loads it
like any delivery. The file is written under `<home>/tmp` and renamed into
the inbox, so a night never reads half a file.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from pipeline.home import Home
from pipeline.identifiers import comparison_key, normalize_cn_mobile
from pipeline.ingest.sources import GUIDE_TAG_ID_TYPES, get_source
from pipeline.serve.brand_scope import BrandScope
from pipeline.serve.night import CatalogTag, PublishedNight

CHINA = ZoneInfo("Asia/Shanghai")
SOURCE = "guide_tags"


class GuideTag(BaseModel):
    """One tagging event, as a guide app sends it (field names of the guide_tags contract)."""

    brand: str = Field(min_length=1, max_length=64)
    store_code: str | None = Field(default=None, max_length=64)
    guide_id: str = Field(min_length=1, max_length=64, description="导购工号")
    id_type: Literal[GUIDE_TAG_ID_TYPES]  # type: ignore[valid-type]
    id_value: str = Field(min_length=1, max_length=128)
    appid: str | None = Field(default=None, max_length=64, description="the WeChat appid of an openid")
    tag_code: str = Field(min_length=1, max_length=64)
    tag_value: str | None = Field(default=None, max_length=128, description="code or either label; empty to clear")
    action: Literal["set", "clear"]
    tagged_at: datetime | None = Field(default=None, description="default now; without an offset, China time")
    tag_event_id: str | None = Field(default=None, min_length=1, max_length=128, description="default a new UUID")


class TagRefused(ValueError):
    """The tag cannot be taken (422): the message says why."""


@dataclass(frozen=True)
class Queued:
    tag_event_id: str
    file: str  # relative to the inbox
    delivery_date: str
    tag_code: str
    tag_value: str | None


def checked_event(tag: GuideTag, night: PublishedNight, scope: BrandScope, now: datetime) -> dict[str, str | None]:
    """The delivery line: catalog codes, a normalized phone, an event id and a time with its offset."""
    brand = scope.writable(tag.brand, night)
    catalog_tag = _catalog_tag(night, brand, tag.tag_code)
    value = _catalog_value(catalog_tag, brand, tag) if tag.action == "set" else None
    if tag.action == "clear" and tag.tag_value not in (None, ""):
        raise TagRefused("action clear takes no tag_value")
    id_value = tag.id_value.strip()
    if tag.id_type == "phone":
        phone = normalize_cn_mobile(id_value)
        if phone is None:
            raise TagRefused("id_value is not a CN mobile number (id_type phone)")
        id_value = phone
    if tag.id_type == "openid":
        if not tag.appid:
            raise TagRefused("id_type openid needs appid")
        if night.app_brands.get(tag.appid) != brand:
            raise TagRefused(f"appid is not a WeChat app of brand {brand!r} (seed wechat_apps)")
    elif tag.appid:
        raise TagRefused("appid goes only with id_type openid")
    tagged_at = tag.tagged_at or now
    if tagged_at.tzinfo is None:
        tagged_at = tagged_at.replace(tzinfo=CHINA)
    event = {
        # Staging counts an event id once, whoever sent it first: a caller's own id is
        # written under its brand, so that one brand's token cannot pre-empt another's events.
        "tag_event_id": f"{brand}:{tag.tag_event_id.strip()}" if tag.tag_event_id else str(uuid.uuid4()),
        "brand": brand,
        "store_code": tag.store_code.strip() if tag.store_code else None,
        "guide_id": tag.guide_id.strip(),
        "id_type": tag.id_type,
        "id_value": id_value,
        "appid": tag.appid,
        "tag_code": catalog_tag.tag_code,
        "tag_value": value,
        "action": tag.action,
        "tagged_at": tagged_at.astimezone(CHINA).isoformat(timespec="seconds"),
    }
    headers = [c.header for c in get_source(SOURCE).columns]
    return {header: event[header] for header in headers}


def _catalog_tag(night: PublishedNight, brand: str, code: str) -> CatalogTag:
    tags = night.catalog.get(brand, {})
    found = [t for t in tags.values() if comparison_key(t.tag_code) == comparison_key(code)]
    if not found:
        raise TagRefused(
            f"tag_code is not in brand {brand!r}'s manual-tag catalog; its tags: {', '.join(sorted(tags)) or 'none'}"
        )
    return found[0]


def _catalog_value(tag: CatalogTag, brand: str, event: GuideTag) -> str:
    if not event.tag_value or not event.tag_value.strip():
        raise TagRefused("action set needs a tag_value")
    key = comparison_key(event.tag_value)
    matches = {v.tag_value for v in tag.values if key in {comparison_key(v.tag_value), comparison_key(v.label_zh), comparison_key(v.label_en)}}
    if len(matches) != 1:
        allowed = ", ".join(f"{v.tag_value} ({v.label_zh}, {v.label_en})" for v in tag.values)
        raise TagRefused(f"tag_value is not a value of {brand}/{tag.tag_code}; allowed: {allowed}")
    return matches.pop()


def queue_event(home: Home, event: dict[str, str | None], now: datetime) -> Queued:
    """Write the event as a new delivery file of today's (China) guide_tags folder."""
    day = now.astimezone(CHINA).date().isoformat()
    folder = home.source_inbox(SOURCE) / day
    folder.mkdir(parents=True, exist_ok=True)
    home.tmp.mkdir(parents=True, exist_ok=True)
    name = f"api-{now.astimezone(timezone.utc):%Y%m%dT%H%M%S%fZ}-{uuid.uuid4().hex[:12]}.jsonl"
    temporary = home.tmp / f".{name}.part"
    _write_synced(temporary, json.dumps(event, ensure_ascii=False) + "\n")
    os.replace(temporary, folder / name)
    return Queued(
        tag_event_id=str(event["tag_event_id"]),
        file=f"{SOURCE}/{day}/{name}",
        delivery_date=day,
        tag_code=str(event["tag_code"]),
        tag_value=event["tag_value"],
    )


def _write_synced(path: Path, text: str) -> None:
    # Private to the service's user (the night runs as the same user): the line may hold a raw phone.
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
