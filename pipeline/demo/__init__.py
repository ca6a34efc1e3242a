"""Demo data: realistic channel deliveries of a fictional brand group, with the ground truth.

`generate(home, persons=…, days=…, seed=…, end_date=…)` (in `generate.py`)
writes `days` days of deliveries ending at `end_date` into
`<home>/inbox/<source>/<YYYY-MM-DD>/<file>` exactly as
`shared/contracts/channel-exports.md` describes them, mess included, and
the truth about who is who into `<home>/truth/` (see `truth.py`). The same
(persons, days, seed, end_date) always gives byte-identical files. Everything
is vectorized (numpy / polars); loops run per day, source or file only. App
events and ad backflow (half the work of a big run) are written by a child
process meanwhile (`events_worker.py`); 1M people x 365 days take about four
minutes on two cores and write ~37M rows (~6 GB).

The group: 禾川集团 (Hechuan Group)
-----------------------------------
Five brands (`brands.py`), each with its own Tmall and JD shop, WeChat
mini-program and official account (own appids), CRM (own member-id format,
tier names and points per yuan) and stores (some run by dealers; four
flagship stores per brand or fewer have an in-store tablet):

| brand (code) | category | tiers | points |
| --- | --- | --- | --- |
| 凌风 (lingfeng) | 家电: 空调 冰箱 洗衣机 电视 净水器, 滤芯, 洗衣液, services | 普卡 银卡 金卡 钻石卡 | 1 / yuan |
| 星野 (xingye) | 数码: 手机 平板 耳机 手表, 充电器 手机壳, 碎屏险 | 星粉 星友 星耀 星尊 | 1 / yuan |
| 贝安 (beian) | 母婴: 奶粉 纸尿裤 湿巾 辅食 推车 奶瓶, 童装 | 萌芽 成长 守护 至爱会员 | 2 / yuan |
| 鲜田 (xiantian) | 生鲜: 水果 牛奶 肉禽 海鲜 蔬菜 鸡蛋 (all ecosystem goods) | 鲜友 鲜享 鲜尊 | 1 / 2 yuan |
| 青黛 (qingdai) | 美妆: 面霜 精华 面膜 洁面 口红 防晒 美容仪 | 白卡 银卡 金卡 黑卡 | 1 / yuan |

Behaviour
---------
People (`people.py`) live in households (1-4 people, one city). 95% have a
mobile number; 1.5% change number in the window and 40% of those old numbers
are re-issued to someone else a few days later (recycled numbers). 35% have an
email, 82% WeChat (one unionid), 30% the group App (72% Android: OAID readable
on 90%, IMEI on 25%; iPhones: real IDFA on 50%), 30% a JD account. 12% of App
users get a new phone in the window; half of the households with two App users
share a family tablet; in-store tablets are used by everybody who shops there.

Each person follows one to three brands (33% two, 2.4% three:
`memberships.py`) and buys on Tmall (45%), JD (about half of the JD account
holders among 凌风 and 星野 customers, a few percent for the other brands),
in stores (35%) or the own mall (half of the App users); CRM membership
(80% of store buyers, 25% of others; 2% registered twice), Tmall shop membership (55% of Tmall buyers, half with a
consented mobile), mini-program (45% of WeChat users) and official account
(35%). 20% of programme joins fall inside the window.

Purchases (`orders.py`) repeat per product line on the line's cycle
(空调 ~10 years, 手机 ~2 years, 奶粉 ~26 days, 水果 ~10 days), varied per
person and scaled by engagement; 45% of product-line habits are still alive;
platform orders due within 20 days before 618 / 双11 / 双12 etc. move onto
the promotion day in 35% of cases; 20% of orders carry extra lines (two thirds
ecosystem goods). Outcomes: 3% never paid, 4% cancelled, 3% refunded, 3%
partly refunded; 3% of store lines come back as negative return lines; 4% of
platform orders are shipped (and phoned) to another household member.

The funnel (AIPL): ad impressions (`ads.py`: 30% of purchases are preceded by
1-7 impressions on the platform matching the channel, 40% of those journeys
have a click, 60% of clicked ones a conversion; plus daily retargeting of 0.9%
of people and 60% as many impressions on strangers whose hashes match nobody;
1.5% click-through) -> App sessions (`app_activity.py`: browsing at 2.5% of
App users a day scaled by engagement, half of the ad clicks of App users deep
-link into the App, own-mall purchases view -> add to cart -> purchase, 30% of
sales in tablet stores start on the store tablet, and members of a tablet
store look at it on 1% of days) -> purchases -> repurchases.
Campaigns (`marketing.py`: one per brand every ~6 days on SMS 40% / WeChat
template 25% / push 20% / email 15%, to 3-15% of reachable members weighted by
engagement, skipping opted-out people; a send on a brand and channel the
campaigns seed lists carries that campaign's id, others ids like `C2026_LF_007`); opens
25% (WeChat) / 8% (push) / 18% (email); clicks. Consents: historical opt-ins
in the first delivery, opt-outs in the window (SMS 4%, email 3%, push 5%,
WeChat 3%, phone calls 1%, media 2%), 15% of them opt in again.

Mess, and its rates
-------------------
Per source (the RATES dict of each module has the exact numbers):

- tmall_orders (GB18030, CRLF in 70% of files): 联系手机 masked `138****5678`
  75%, plain 18%, other formats 2%, empty 4%, placeholder 1%; nick masked
  `t**1` 60%; ids written Excel-style `="…"` (unquoted) in 30% of files;
  each line re-exported when it settles (status changes, refunds).
- jd_orders (XLSX): phone masked 70%, plain 25%; names always masked `张*`;
  `下单时间` real date cells in 60% of files, text in the others; numbers as
  number cells.
- eshop_orders: phone empty 20%, `+86`/`+86 138 …`/`0086-…`/`86-…`/
  full-width/spaced 15%, placeholder 1%; zone-less times 30%; user_id
  placeholder 0.5%.
- pos_sales (GB18030, CRLF in 50% of files): phone given 35% (spaced,
  dashed, `1.38123E+10`, full-width, `+86 …`), placeholder 3%; member card
  shown by 70% of members (the duplicate card by 30% of those who have one);
  returns negative; dealer tills write `YYYY/MM/DD HH:MM`.
- crm_members (`crm_exports.py`): phone in every format (Excel scientific notation 4%,
  full-width 2%), empty 8%, placeholder 2%; email known 70%, upper-cased
  with a stray space 6%, placeholder 1%; gender `男/女` at 凌风 and 贝安,
  `M/F` elsewhere, empty 10%; birthday empty 25%, impossible 0.5%,
  `YYYYMMDD` at 星野 and 鲜田; city `上海市` 10%, empty 5%. Mess is fixed per
  record, so a re-sent record looks the same.
- tmall_members (UTF-8 with BOM): nick masked 30%; mobile only with consent.
- wechat_miniapp_users: phones `+86…` 60%, placeholder 0.5%; nickname
  `微信用户` 55%; unionid given by 50-95% of the brands' mini-programs.
- app_events (`.jsonl`, 35% of parts `.jsonl.gz`): logged out 12%; all-zero
  device id for 70% of devices that hide theirs; iOS UTC `Z` times 50%;
  undocumented `sdk_version` key 30%; client retries (same event_id) 1%;
  uploads a day late 2%.
- ad_backflow: hex upper-case in 80% of Tencent and 10% of Ocean Engine
  files; Ocean Engine ISO times; cost only for clicks and 30% of impressions.
- consents: SMS consents by member id 15%; `+86` 3%. campaign_touches: `+86` 3%.

For every file: delivered a day late 5%, two days late 1.5%; delivered again
(same bytes, later folder, same or another name) 1.2%; an extra header-only
file 1%, an extra zero-byte file 0.5%; an unknown extra column 3% (CSV and
XLSX); a UTF-8 BOM on 3% of crm/eshop/consents files; CRLF 15% elsewhere;
products skip 8% of days. Broken rows (`breakage.py`): per kind (truncated
line, bad timestamp, unknown status, bad amount) one per 30 days, at least
two; exactly one broken file: a `tmall_orders` file without `买家OUID`.
"""
