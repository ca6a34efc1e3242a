"""Shop and store names that no seed lists, end to end: the generated
inbox's names rewritten to unseen real-world patterns, then one night.

- `凌风空调官方旗舰店` contains one known brand: lingfeng.
- `凌风星野联名店` (beian's Tmall shop renamed) holds two brands, so the name
  alone cannot say; its buyers' ouids are beian's Tmall members: beian.
- `万象城快闪店`, a POS store whose receipt carries no 品牌, names no brand
  (and a till has no ouids to vote): unresolved, reported by the warning
  test, and its receipt is still loaded.
The orders' ouids land in the brand's namespace, never in the shop name's.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipeline.home import Home
from pipeline.nightly import execute
from tests.conftest import BASELINE_DATE, copy_home

UNRESOLVED_STORE = "万象城快闪店"
RENAMES = {
    "tmall_orders": {"凌风官方旗舰店": "凌风空调官方旗舰店", "贝安母婴旗舰店": "凌风星野联名店"},
    # 门店名称,品牌: receipt 000026111600000045's store renamed, its brand left empty.
    "pos_sales/2026-11-16": {"凌风成都高新店,凌风,": f"{UNRESOLVED_STORE},,"},
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
    record = execute(home, "run", BASELINE_DATE)
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
        assert resolved[UNRESOLVED_STORE] == (None, None, "no_known_brand", 1)
        # The receipt is loaded all the same; its line takes the product's brand.
        assert con.execute(
            "select brand from restricted.int_commerce__order_lines"
            " where source_name = 'pos_sales' and order_id = '000026111600000045'",
        ).fetchall() == [("lingfeng",)]
        # No identifier is namespaced by a shop name; the renamed shops' ouids sit in their brands.
        namespaces = dict(
            con.execute(
                """select namespace, count(*) from restricted.int_identifier_observations
                   where source_name = 'tmall_orders' and id_type = 'tmall_ouid' group by all"""
            ).fetchall()
        )
        assert None not in namespaces and {"lingfeng", "beian"} <= set(namespaces)
        assert not set(namespaces) & {name for names in RENAMES.values() for name in names.values()}
    # The night publishes, and the warning test names the one unresolved name.
    build = next(stage for stage in record.stages if stage.name == "build")
    (warning,) = [w for w in build.detail["warnings"] if w["name"] == "warn_brand_names_that_resolve_to_no_brand"]
    assert warning["failures"] == 1
