"""The fictional brand group of the demo: 禾川集团 (Hechuan Group) and its five brands.

Each brand has its own Tmall and JD shop, its own WeChat mini-program and
official account, its own CRM with its own tier names and points scheme, and
its own offline stores (some run by dealers). The tier names deliberately
overlap between brands (银卡, 金卡 mean different things at 凌风 and 青黛):
mapping them onto one group scale is configuration, not code.
"""

from __future__ import annotations

from dataclasses import dataclass

GROUP_NAME = "禾川集团"


@dataclass(frozen=True)
class Tier:
    name: str
    min_points: int


@dataclass(frozen=True)
class Brand:
    code: str  # the `brand` value of the English-header exports
    short: str  # two letters used in member ids, SKUs and campaign ids
    name: str  # Chinese brand name: the POS `品牌` value
    category: str  # main category_l1
    tmall_shop: str
    jd_shop: str
    miniapp_appid: str
    oa_appid: str
    tiers: tuple[Tier, ...]
    points_per_10_yuan: int  # the CRM earns this many points per 10 yuan spent
    customer_share: float  # weight of the brand as someone's first brand
    stores: int  # offline stores (counters for beauty)
    dealer_store_share: float  # share of the stores run by dealers
    tablet_stores: int  # flagship stores with a shared in-store tablet running the App
    miniapp_unionid_rate: float  # share of mini-program users whose unionid the brand receives
    jd_reach: float  # share of the brand's customers with a JD account who buy it on JD (京东 is strong in 3C)


BRANDS: tuple[Brand, ...] = (
    Brand(
        code="lingfeng",
        short="LF",
        name="凌风",
        category="家电",
        tmall_shop="凌风官方旗舰店",
        jd_shop="凌风京东自营旗舰店",
        miniapp_appid="wx3f1a9c2b7d4e6f80",
        oa_appid="wx8c2e4a6b1d3f5079",
        tiers=(Tier("普卡", 0), Tier("银卡", 3000), Tier("金卡", 10000), Tier("钻石卡", 40000)),
        points_per_10_yuan=10,
        customer_share=0.24,
        stores=40,
        dealer_store_share=0.6,
        tablet_stores=4,
        miniapp_unionid_rate=0.95,
        jd_reach=0.45,
    ),
    Brand(
        code="xingye",
        short="XY",
        name="星野",
        category="数码",
        tmall_shop="星野数码官方旗舰店",
        jd_shop="星野手机京东自营旗舰店",
        miniapp_appid="wx51b7d9e3a2c4f6e1",
        oa_appid="wxa4c6e8f0b2d41357",
        tiers=(Tier("星粉", 0), Tier("星友", 2000), Tier("星耀", 8000), Tier("星尊", 20000)),
        points_per_10_yuan=10,
        customer_share=0.18,
        stores=25,
        dealer_store_share=0.4,
        tablet_stores=3,
        miniapp_unionid_rate=0.9,
        jd_reach=0.5,
    ),
    Brand(
        code="beian",
        short="BA",
        name="贝安",
        category="母婴",
        tmall_shop="贝安母婴旗舰店",
        jd_shop="贝安母婴京东自营店",
        miniapp_appid="wx7e9a1c3d5f2b4680",
        oa_appid="wxc1e3a5b7d9f02468",
        tiers=(Tier("萌芽会员", 0), Tier("成长会员", 1500), Tier("守护会员", 5000), Tier("至爱会员", 15000)),
        points_per_10_yuan=20,
        customer_share=0.16,
        stores=25,
        dealer_store_share=0.2,
        tablet_stores=2,
        miniapp_unionid_rate=0.85,
        jd_reach=0.08,
    ),
    Brand(
        code="xiantian",
        short="XT",
        name="鲜田",
        category="生鲜",
        tmall_shop="鲜田生鲜旗舰店",
        jd_shop="鲜田京东生鲜专营店",
        miniapp_appid="wx2d4f6a8c0e1b3579",
        oa_appid="wx9b1d3f5a7c2e4680",
        tiers=(Tier("鲜友", 0), Tier("鲜享", 1000), Tier("鲜尊", 5000)),
        points_per_10_yuan=5,
        customer_share=0.22,
        stores=30,
        dealer_store_share=0.0,
        tablet_stores=2,
        miniapp_unionid_rate=0.5,
        jd_reach=0.03,
    ),
    Brand(
        code="qingdai",
        short="QD",
        name="青黛",
        category="美妆",
        tmall_shop="青黛美妆官方旗舰店",
        jd_shop="青黛京东自营旗舰店",
        miniapp_appid="wxe6a8c0b2d4f13579",
        oa_appid="wx4f6b8d0a2c1e3579",
        tiers=(Tier("白卡", 0), Tier("银卡", 1000), Tier("金卡", 4000), Tier("黑卡", 12000)),
        points_per_10_yuan=10,
        customer_share=0.20,
        stores=35,
        dealer_store_share=0.3,
        tablet_stores=3,
        miniapp_unionid_rate=0.8,
        jd_reach=0.08,
    ),
)

BRAND_CODES: tuple[str, ...] = tuple(b.code for b in BRANDS)


def brand_index(code: str) -> int:
    return BRAND_CODES.index(code)
