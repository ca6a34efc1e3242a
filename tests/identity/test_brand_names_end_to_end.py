"""Shop names that no seed lists, end to end: the generated inbox's Tmall
shop names rewritten to unseen real-world patterns, then one night.

- `凌风空调官方旗舰店` contains one known brand: lingfeng.
- `凌风星野联名店` (beian's Tmall shop renamed) holds two brands, so the name
  alone cannot say; its buyers' ouids are beian's Tmall members: beian.
(A name that resolves to none: unit test brand_names_resolve_real_shop_names
and tests/report; the small test home has almost no JD orders to rename.)
The orders' ouids land in the brand's namespace, never in the shop name's.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipeline.home import Home
from pipeline.nightly import execute
from tests.conftest import BASELINE_DATE, copy_home

RENAMES = {
    "tmall_orders": {"凌风官方旗舰店": "凌风空调官方旗舰店", "贝安母婴旗舰店": "凌风星野联名店"},
}


def rename_shops(home: Home) -> None:
    for source, renames in RENAMES.items():
        for path in sorted((home.inbox / source).rglob("*")):
            if not path.is_file():
                continue
            raw = path.read_bytes()
            for old, new in renames.items():
                for encoding in ("utf-8", "gb18030"):
                    raw = raw.replace(old.encode(encoding), new.encode(encoding))
            path.unlink()  # a new file: never write through to the shared generated inbox
            path.write_bytes(raw)


def test_unseen_shop_names_resolve_end_to_end(generated_home: Home, tmp_path: Path) -> None:
    home = copy_home(generated_home, tmp_path)
    rename_shops(home)
    execute(home, "run", BASELINE_DATE)
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        con.execute(f"attach '{home.restricted}' as restricted (read_only)")
        resolved = {
            name: (brand, rule, reason, rows)
            for name, brand, rule, reason, rows in con.execute(
                "select name_as_delivered, brand, resolved_by, unresolved_reason, delivered_rows from brand_name_resolution"
            ).fetchall()
        }
        assert resolved["凌风空调官方旗舰店"][:2] == ("lingfeng", "contains_brand")
        assert resolved["凌风星野联名店"][:2] == ("beian", "shared_ouids")
        # No identifier is namespaced by a shop name; the renamed shops' ouids sit in their brands.
        namespaces = dict(
            con.execute(
                """select namespace, count(*) from restricted.int_identifier_observations
                   where source_name = 'tmall_orders' and id_type = 'tmall_ouid' group by all"""
            ).fetchall()
        )
        assert None not in namespaces and {"lingfeng", "beian"} <= set(namespaces)
        assert not set(namespaces) & {name for names in RENAMES.values() for name in names.values()}
