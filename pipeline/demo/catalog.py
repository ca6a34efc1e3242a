"""The group's product catalog: product lines per brand, their SKUs and daily snapshots.

A product line is one `category_l2` of one brand with its price range and its
repurchase cycle: durables (空调, 冰箱, 洗衣机, 电视) are bought once in years,
consumables (奶粉, 纸尿裤, 面霜) monthly or so, fresh food weekly. Ecosystem
goods (`is_ecosystem=1`: filters, detergent, cleaning services, accessories,
fresh food) are what turns a durable-goods customer into a frequent buyer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from pipeline.demo.brands import BRANDS
from pipeline.demo.calendar import Window
from pipeline.demo.randomness import chance, stream

NEVER_DAY = 1 << 30


@dataclass(frozen=True)
class ProductLine:
    brand: str  # brand code
    l1: str  # category_l1
    l2: str  # category_l2
    code: str  # two letters inside the SKU
    series: tuple[str, ...]  # product series names
    specs: tuple[str, ...]  # model / size variants
    low_yuan: float
    high_yuan: float
    cycle_days: int  # typical days between two purchases of the line by one buyer
    ecosystem: bool
    weight: float  # how often buyers of the brand buy this line
    max_quantity: int = 1


def _line(brand: str, l1: str, l2: str, code: str, series: str, specs: str, low: float, high: float,
          cycle: int, eco: bool, weight: float, max_quantity: int = 1) -> ProductLine:  # fmt: skip
    return ProductLine(brand, l1, l2, code, tuple(series.split()), tuple(specs.split()), low, high, cycle, eco, weight, max_quantity)


PRODUCT_LINES: tuple[ProductLine, ...] = (
    _line("lingfeng", "家电", "空调", "KT", "风语 风享 云岚 静界", "1匹挂机 1.5匹挂机 2匹柜机 3匹柜机", 2499, 8999, 3650, False, 0.14),
    _line("lingfeng", "家电", "冰箱", "BX", "鲜境 冰川 十字门", "310L 458L 520L对开门", 1999, 12999, 3650, False, 0.10),
    _line("lingfeng", "家电", "洗衣机", "XY", "净澈 云柔", "10kg滚筒 8kg波轮 洗烘一体", 1299, 6999, 3000, False, 0.10),
    _line("lingfeng", "家电", "电视", "DS", "视界 影院", "55英寸 65英寸 75英寸", 1999, 15999, 2900, False, 0.09),
    _line("lingfeng", "家电", "净水器", "JS", "清泉 甘露", "600G 800G", 1299, 4999, 2900, False, 0.07),
    _line("lingfeng", "家电", "滤芯", "LX", "清泉 甘露", "PP棉滤芯 RO反渗透滤芯 活性炭滤芯", 99, 399, 180, True, 0.14, 2),
    _line("lingfeng", "家居", "洗衣液", "YY", "净澈", "2kg 3kg 除菌款", 29, 89, 50, True, 0.14, 3),
    _line("lingfeng", "服务", "清洗服务", "QX", "空调 洗衣机", "上门清洗", 99, 199, 365, True, 0.06),
    _line("lingfeng", "服务", "延保", "YB", "无忧", "3年延保 5年延保", 199, 699, 3650, False, 0.06),
    _line("xingye", "数码", "手机", "SJ", "星野X 星野Pro 星野Lite", "8+256G 12+256G 12+512G", 1499, 6999, 800, False, 0.22),
    _line("xingye", "数码", "平板", "PB", "星野Pad", "11英寸 12.4英寸", 1999, 4999, 1200, False, 0.10),
    _line("xingye", "数码", "耳机", "EJ", "星耳 Buds", "降噪版 标准版", 199, 1299, 400, False, 0.15),
    _line("xingye", "数码", "智能手表", "SB", "星环 Watch", "运动版 商务版", 599, 2499, 700, False, 0.10),
    _line("xingye", "数码", "充电器", "CD", "闪充", "33W 67W 120W", 49, 199, 200, True, 0.15, 2),
    _line("xingye", "数码", "手机壳", "SK", "星野X 星野Pro", "磨砂 透明 皮革", 39, 129, 150, True, 0.13, 2),
    _line("xingye", "服务", "碎屏险", "SP", "星护", "一年期 两年期", 99, 299, 365, True, 0.08),
    _line("beian", "母婴", "奶粉", "NF", "安护 臻护 有机", "1段800g 2段800g 3段800g", 198, 468, 26, False, 0.28, 4),
    _line("beian", "母婴", "纸尿裤", "NK", "云柔 轻薄", "S码 M码 L码 XL码", 89, 199, 20, False, 0.25, 4),
    _line("beian", "母婴", "湿巾", "SJ", "柔润", "80抽 80抽x6包", 29, 69, 30, False, 0.12, 6),
    _line("beian", "母婴", "辅食", "FS", "小满", "米粉 果泥 肉松", 29, 99, 30, False, 0.10, 3),
    _line("beian", "服饰", "童装", "TZ", "童趣 萌宝", "73cm 80cm 90cm 100cm", 79, 299, 90, False, 0.12, 3),
    _line("beian", "母婴", "婴儿推车", "TC", "漫步", "轻便款 高景观款", 699, 3999, 1800, False, 0.05),
    _line("beian", "母婴", "奶瓶", "NP", "安护", "160ml 240ml", 59, 199, 180, False, 0.08, 2),
    _line("xiantian", "生鲜", "水果", "SG", "鲜田优选 产地直发", "车厘子1kg 阳光玫瑰2斤 赣南脐橙5kg 海南芒果3斤", 29, 129, 10, True, 0.25, 3),
    _line("xiantian", "生鲜", "牛奶", "NN", "鲜田牧场", "鲜牛奶950ml 低脂奶950ml 酸奶12杯", 39, 89, 9, True, 0.20, 4),
    _line("xiantian", "生鲜", "肉禽", "RQ", "鲜田 黑猪", "五花肉500g 鸡胸肉1kg 牛腱子1kg", 39, 159, 16, True, 0.15, 3),
    _line("xiantian", "生鲜", "海鲜", "HX", "鲜田海港", "大虾1kg 三文鱼300g 鲈鱼2条", 59, 299, 24, True, 0.12, 2),
    _line("xiantian", "生鲜", "蔬菜", "SC", "鲜田农场", "时蔬组合3kg 有机菠菜500g 番茄2斤", 9.9, 39, 7, True, 0.15, 5),
    _line("xiantian", "生鲜", "鸡蛋", "JD", "鲜田", "土鸡蛋30枚 可生食鸡蛋20枚", 19, 49, 12, True, 0.13, 3),
    _line("qingdai", "美妆", "面霜", "MS", "青黛 玉颜 雪肌", "50g 30g 旅行装15g", 199, 899, 60, False, 0.20, 2),
    _line("qingdai", "美妆", "精华", "JH", "青黛 玉颜", "30ml 50ml", 299, 1299, 75, False, 0.18, 2),
    _line("qingdai", "美妆", "面膜", "MM", "水光 修护", "5片装 10片装", 99, 299, 35, False, 0.16, 3),
    _line("qingdai", "美妆", "洁面", "JM", "青黛 氨基酸", "100g 150g", 69, 199, 60, False, 0.12, 2),
    _line("qingdai", "美妆", "口红", "KH", "绛唇", "01正红 02豆沙 03枫叶", 199, 399, 150, False, 0.12, 2),
    _line("qingdai", "美妆", "防晒", "FS", "青黛 清透", "SPF50 50ml", 129, 299, 90, False, 0.12, 2),
    _line("qingdai", "美妆", "美容仪", "MR", "青黛光韵", "射频款 微电流款", 999, 3999, 1200, False, 0.05),
)  # fmt: skip

RATES = {
    "launched_in_window": 0.08,  # SKUs that go on sale during the window
    "delisted_in_window": 0.04,  # SKUs that leave the catalog during the window
    "price_change": 0.10,  # SKUs whose list price changes once during the window
}


def _list_price_cents(rng: np.random.Generator, low: float, high: float, n: int) -> np.ndarray:
    """Shop prices: 2999.00 above a hundred yuan, 39.90 below."""
    yuan = low + rng.random(n) * (high - low)
    high_end = np.round(yuan / 10) * 1000 - 100
    low_end = np.round(yuan) * 100 - 10
    return np.maximum(np.where(yuan >= 100, high_end, low_end), 990).astype(np.int64)


def build_catalog(seed: int, window: Window) -> pl.DataFrame:
    """Every SKU the group ever sells in the window, with its life and price history."""
    rng = stream(seed, "catalog")
    brand_codes = [b.code for b in BRANDS]
    rows: list[pl.DataFrame] = []
    for line_index, line in enumerate(PRODUCT_LINES):
        brand = BRANDS[brand_codes.index(line.brand)]
        variants = [(s, spec) for s in line.series for spec in line.specs]
        n = len(variants)
        price = _list_price_cents(rng, line.low_yuan, line.high_yuan, n)
        changes = chance(rng, RATES["price_change"], n)
        new_price = np.where(changes, (price * rng.uniform(0.8, 1.1, n) / 100).round() * 100, price).astype(np.int64)
        launched = np.where(chance(rng, RATES["launched_in_window"], n), rng.integers(0, window.days, n), -rng.integers(30, 2000, n))
        delisted = np.where(chance(rng, RATES["delisted_in_window"], n), rng.integers(0, window.days, n) + 1, NEVER_DAY)
        rows.append(
            pl.DataFrame(
                {
                    "brand": np.full(n, brand_codes.index(line.brand), dtype=np.int64),
                    "line": np.full(n, line_index, dtype=np.int64),
                    "sku": [f"{brand.short}-{line.code}-{1001 + i}" for i in range(n)],
                    "product_name": [f"{brand.name}{s}{line.l2}{spec}" for s, spec in variants],
                    "category_l1": [line.l1] * n,
                    "category_l2": [line.l2] * n,
                    "list_price_cents": price,
                    "new_price_cents": new_price,
                    "price_change_day": np.where(changes, rng.integers(0, max(window.days, 1), n), NEVER_DAY),
                    "is_ecosystem": np.full(n, line.ecosystem),
                    "launched_day": launched.astype(np.int64),
                    "delisted_day": np.maximum(delisted, launched + 1).astype(np.int64),
                    "popularity": rng.pareto(1.5, n) + 0.2,
                }
            )
        )
    catalog = pl.concat(rows)
    return catalog.with_row_index("k").with_columns(pl.col("k").cast(pl.Int64))


def price_on(catalog: pl.DataFrame, k: np.ndarray, day: np.ndarray) -> np.ndarray:
    """List price in cents of SKU row `k` on `day`."""
    old = catalog["list_price_cents"].to_numpy()[k]
    new = catalog["new_price_cents"].to_numpy()[k]
    change = catalog["price_change_day"].to_numpy()[k]
    return np.where(np.asarray(day) >= change, new, old)


def snapshot(catalog: pl.DataFrame, day: int) -> pl.DataFrame:
    """The catalog as the product system exports it on `day`."""
    on_sale = catalog.filter((pl.col("launched_day") <= day) & (pl.col("delisted_day") > day))
    price = pl.when(pl.col("price_change_day") <= day).then(pl.col("new_price_cents")).otherwise(pl.col("list_price_cents"))
    return on_sale.with_columns(list_price_cents=price)
