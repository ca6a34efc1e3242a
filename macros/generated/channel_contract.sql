{#- generated from pipeline/ingest/sources.py by `make contract`: edit the contract, not this file. -#}

{#- The channel contract of one source as its staging model sees it: the
    natural key and dedup rule (macro deduplicate), and every column in the
    order delivered, under its staging name: its name in the lake where
    staging renames it, its kind (how staging casts it: macro
    stage_contract_columns), its rules (required, accepted values under
    their staged spelling, minimum: test matches_channel_contract) and, where
    staging respells delivered values, each delivered value's staged one. -#}
{% macro channel_contract(source_name) %}
  {%- set by_source = {
    'tmall_orders': {'model': 'stg_tmall__order_lines', 'natural_key': ['sub_order_id'], 'dedup': 'latest',
      'columns': [
        {'name': 'order_id', 'kind': 'digits', 'required': true},
        {'name': 'sub_order_id', 'kind': 'digits', 'required': true},
        {'name': 'buyer_ouid', 'kind': 'text', 'required': true},
        {'name': 'buyer_nick', 'kind': 'text', 'required': false},
        {'name': 'contact_phone', 'kind': 'text', 'required': false},
        {'name': 'shop_name', 'kind': 'text', 'required': true},
        {'name': 'sku', 'kind': 'text', 'required': true},
        {'name': 'item_title', 'kind': 'text', 'required': false},
        {'name': 'quantity', 'kind': 'int', 'required': true, 'min_value': 1},
        {'name': 'paid_amount', 'kind': 'amount', 'required': true, 'min_value': 0},
        {'name': 'refund_amount', 'kind': 'amount', 'required': false, 'min_value': 0},
        {'name': 'order_status', 'kind': 'text', 'required': true, 'values': ['交易成功', '交易关闭', '等待买家付款', '卖家已发货，等待买家确认', '买家已付款，等待卖家发货']},
        {'name': 'created_at', 'kind': 'timestamp', 'required': true},
        {'name': 'paid_at', 'kind': 'timestamp', 'required': false}]},
    'tmall_members': {'model': 'stg_tmall__members', 'natural_key': ['brand', 'ouid'], 'dedup': 'latest',
      'columns': [
        {'name': 'ouid', 'kind': 'text', 'required': true},
        {'name': 'nick', 'kind': 'text', 'required': false},
        {'name': 'mobile', 'kind': 'text', 'required': false},
        {'name': 'brand', 'kind': 'text', 'required': true},
        {'name': 'member_level', 'lake': 'level', 'kind': 'text', 'required': false, 'values': ['V1', 'V2', 'V3', 'V4']},
        {'name': 'points', 'kind': 'int', 'required': false, 'min_value': 0},
        {'name': 'joined_at', 'kind': 'timestamp', 'required': false}]},
    'jd_orders': {'model': 'stg_jd__order_lines', 'natural_key': ['order_id', 'sku'], 'dedup': 'latest',
      'columns': [
        {'name': 'order_id', 'kind': 'digits', 'required': true},
        {'name': 'jd_pin', 'kind': 'text', 'required': true},
        {'name': 'customer_name', 'kind': 'text', 'required': false},
        {'name': 'contact_phone', 'kind': 'text', 'required': false},
        {'name': 'shop_name', 'kind': 'text', 'required': true},
        {'name': 'sku', 'kind': 'text', 'required': true},
        {'name': 'item_name', 'kind': 'text', 'required': false},
        {'name': 'quantity', 'kind': 'int', 'required': true, 'min_value': 1},
        {'name': 'payable_amount', 'kind': 'amount', 'required': true, 'min_value': 0},
        {'name': 'order_status', 'kind': 'text', 'required': true, 'values': ['完成', '已取消', '等待出库', '等待确认收货', '退款成功']},
        {'name': 'ordered_at', 'kind': 'timestamp', 'required': true}]},
    'wechat_miniapp_users': {'model': 'stg_wechat__miniapp_users', 'natural_key': ['appid', 'openid'], 'dedup': 'latest',
      'columns': [
        {'name': 'appid', 'kind': 'text', 'required': true},
        {'name': 'openid', 'kind': 'text', 'required': true},
        {'name': 'unionid', 'kind': 'text', 'required': false},
        {'name': 'phone', 'kind': 'text', 'required': false},
        {'name': 'nickname', 'kind': 'text', 'required': false},
        {'name': 'brand', 'kind': 'text', 'required': true},
        {'name': 'created_at', 'kind': 'timestamp', 'required': true}]},
    'wechat_oa_followers': {'model': 'stg_wechat__oa_followers', 'natural_key': ['appid', 'openid'], 'dedup': 'latest',
      'columns': [
        {'name': 'appid', 'kind': 'text', 'required': true},
        {'name': 'openid', 'kind': 'text', 'required': true},
        {'name': 'unionid', 'kind': 'text', 'required': false},
        {'name': 'is_subscribed', 'kind': 'flag', 'required': true},
        {'name': 'subscribed_at', 'kind': 'timestamp', 'required': false},
        {'name': 'unsubscribed_at', 'kind': 'timestamp', 'required': false},
        {'name': 'brand', 'kind': 'text', 'required': true}]},
    'app_events': {'model': 'stg_app__events', 'natural_key': ['event_id'], 'dedup': 'first',
      'columns': [
        {'name': 'event_id', 'kind': 'text', 'required': true},
        {'name': 'event_at', 'kind': 'timestamp', 'required': true},
        {'name': 'event_name', 'kind': 'text', 'required': true, 'values': ['app_open', 'view_item', 'search', 'favorite', 'add_to_cart', 'purchase', 'live_view', 'coupon_claim', 'share', 'review']},
        {'name': 'user_id', 'kind': 'text', 'required': false},
        {'name': 'phone', 'kind': 'text', 'required': false},
        {'name': 'device_oaid', 'kind': 'text', 'required': false},
        {'name': 'device_idfa', 'kind': 'text', 'required': false},
        {'name': 'device_imei', 'kind': 'text', 'required': false},
        {'name': 'device_os', 'kind': 'text', 'required': false},
        {'name': 'brand', 'kind': 'text', 'required': true},
        {'name': 'sku', 'lake': 'item_sku', 'kind': 'text', 'required': false},
        {'name': 'item_price', 'kind': 'amount', 'required': false, 'min_value': 0},
        {'name': 'live_id', 'kind': 'text', 'required': false},
        {'name': 'review_rating', 'kind': 'int', 'required': false, 'min_value': 0},
        {'name': 'search_keyword', 'kind': 'text', 'required': false},
        {'name': 'coupon_id', 'kind': 'text', 'required': false},
        {'name': 'properties_json', 'kind': 'json', 'required': false}]},
    'eshop_orders': {'model': 'stg_eshop__order_lines', 'natural_key': ['order_id', 'line_no'], 'dedup': 'latest',
      'columns': [
        {'name': 'order_id', 'kind': 'text', 'required': true},
        {'name': 'line_no', 'kind': 'int', 'required': true, 'min_value': 1},
        {'name': 'user_id', 'kind': 'text', 'required': false},
        {'name': 'phone', 'kind': 'text', 'required': false},
        {'name': 'brand', 'kind': 'text', 'required': true},
        {'name': 'sku', 'kind': 'text', 'required': true},
        {'name': 'quantity', 'kind': 'int', 'required': true, 'min_value': 1},
        {'name': 'paid_amount', 'kind': 'amount', 'required': true, 'min_value': 0},
        {'name': 'refund_amount', 'kind': 'amount', 'required': false, 'min_value': 0},
        {'name': 'order_status', 'kind': 'text', 'required': true, 'values': ['paid', 'cancelled', 'refunded', 'completed']},
        {'name': 'created_at', 'kind': 'timestamp', 'required': true},
        {'name': 'paid_at', 'kind': 'timestamp', 'required': false}]},
    'pos_sales': {'model': 'stg_pos__sales_lines', 'natural_key': ['store_code', 'receipt_no', 'sku', 'quantity', 'amount', 'sold_at'], 'dedup': 'same_content',
      'columns': [
        {'name': 'store_code', 'kind': 'text', 'required': true},
        {'name': 'store_name', 'kind': 'text', 'required': false},
        {'name': 'brand', 'kind': 'text', 'required': false},
        {'name': 'dealer_code', 'kind': 'text', 'required': false},
        {'name': 'receipt_no', 'kind': 'text', 'required': true},
        {'name': 'member_id', 'kind': 'text', 'required': false},
        {'name': 'phone', 'kind': 'text', 'required': false},
        {'name': 'sku', 'kind': 'text', 'required': true},
        {'name': 'quantity', 'kind': 'int', 'required': true},
        {'name': 'amount', 'kind': 'amount', 'required': true},
        {'name': 'sold_at', 'kind': 'timestamp', 'required': true},
        {'name': 'clerk_id', 'kind': 'text', 'required': false}]},
    'crm_members': {'model': 'stg_crm__members', 'natural_key': ['brand', 'member_id'], 'dedup': 'latest',
      'columns': [
        {'name': 'member_id', 'kind': 'text', 'required': true},
        {'name': 'brand', 'kind': 'text', 'required': true},
        {'name': 'phone', 'kind': 'text', 'required': false},
        {'name': 'email', 'kind': 'text', 'required': false},
        {'name': 'member_name', 'lake': 'name', 'kind': 'text', 'required': false},
        {'name': 'gender', 'kind': 'text', 'required': false, 'staged_values': [['M', 'M'], ['F', 'F'], ['男', 'M'], ['女', 'F']], 'values': ['M', 'F']},
        {'name': 'birthday_raw', 'kind': 'text', 'required': false},
        {'name': 'birthday', 'kind': 'date', 'required': false},
        {'name': 'city', 'kind': 'text', 'required': false},
        {'name': 'member_tier', 'lake': 'tier', 'kind': 'text', 'required': false},
        {'name': 'points', 'kind': 'int', 'required': false, 'min_value': 0},
        {'name': 'member_type', 'kind': 'text', 'required': false, 'values': ['group', 'brand', 'dealer', 'store']},
        {'name': 'dealer_code', 'kind': 'text', 'required': false},
        {'name': 'store_code', 'kind': 'text', 'required': false},
        {'name': 'joined_at', 'kind': 'timestamp', 'required': false},
        {'name': 'member_status', 'kind': 'text', 'required': false, 'values': ['active', 'frozen', 'cancelled']}]},
    'ad_backflow': {'model': 'stg_ads__backflow_events', 'natural_key': ['platform', 'ad_campaign_id', 'creative_id', 'event_name', 'event_at', 'id_type', 'id_value', 'cost'], 'dedup': 'same_content',
      'columns': [
        {'name': 'platform', 'kind': 'text', 'required': true, 'values': ['tencent', 'oceanengine', 'alimama']},
        {'name': 'ad_campaign_id', 'kind': 'text', 'required': true},
        {'name': 'creative_id', 'kind': 'text', 'required': false},
        {'name': 'event_name', 'kind': 'text', 'required': true, 'values': ['impression', 'click', 'conversion']},
        {'name': 'event_at', 'kind': 'timestamp', 'required': true},
        {'name': 'id_type', 'kind': 'text', 'required': true, 'values': ['oaid_md5', 'idfa_md5', 'imei_md5', 'phone_sha256', 'phone_md5']},
        {'name': 'id_value', 'kind': 'hex_digest', 'required': true},
        {'name': 'cost', 'kind': 'amount', 'required': false, 'min_value': 0}]},
    'consents': {'model': 'stg_consents__consent_events', 'natural_key': ['channel', 'id_type', 'id_value', 'consent_action', 'event_at', 'consent_source'], 'dedup': 'same_content',
      'columns': [
        {'name': 'channel', 'kind': 'text', 'required': true, 'values': ['sms', 'wechat_template', 'app_push', 'email', 'phone_call', 'media']},
        {'name': 'id_type', 'kind': 'text', 'required': true, 'values': ['phone', 'openid', 'email', 'device', 'member_id']},
        {'name': 'id_value', 'kind': 'text', 'required': true},
        {'name': 'consent_action', 'lake': 'action', 'kind': 'text', 'required': true, 'values': ['opt_in', 'opt_out']},
        {'name': 'event_at', 'kind': 'timestamp', 'required': true},
        {'name': 'consent_source', 'kind': 'text', 'required': false}]},
    'campaign_touches': {'model': 'stg_campaigns__touches', 'natural_key': ['touch_id'], 'dedup': 'latest',
      'columns': [
        {'name': 'touch_id', 'kind': 'text', 'required': true},
        {'name': 'campaign_id', 'kind': 'text', 'required': true},
        {'name': 'channel', 'kind': 'text', 'required': true, 'values': ['sms', 'wechat_template', 'app_push', 'email']},
        {'name': 'id_type', 'kind': 'text', 'required': true, 'values': ['phone', 'openid', 'email', 'device', 'member_id', 'user_id']},
        {'name': 'id_value', 'kind': 'text', 'required': true},
        {'name': 'sent_at', 'kind': 'timestamp', 'required': true},
        {'name': 'is_delivered', 'kind': 'flag', 'required': false},
        {'name': 'opened_at', 'kind': 'timestamp', 'required': false},
        {'name': 'clicked_at', 'kind': 'timestamp', 'required': false}]},
    'products': {'model': 'stg_catalog__products', 'natural_key': ['sku'], 'dedup': 'snapshot',
      'columns': [
        {'name': 'sku', 'kind': 'text', 'required': true},
        {'name': 'brand', 'kind': 'text', 'required': true},
        {'name': 'product_name', 'kind': 'text', 'required': false},
        {'name': 'category_l1', 'kind': 'text', 'required': true, 'values': ['家电', '数码', '母婴', '生鲜', '美妆', '服饰', '家居', '服务']},
        {'name': 'category_l2', 'kind': 'text', 'required': false},
        {'name': 'list_price', 'kind': 'amount', 'required': false, 'min_value': 0},
        {'name': 'is_ecosystem', 'kind': 'flag', 'required': false}]},
    'guide_tags': {'model': 'stg_guides__tag_events', 'natural_key': ['tag_event_id'], 'dedup': 'first',
      'columns': [
        {'name': 'tag_event_id', 'kind': 'text', 'required': true},
        {'name': 'brand', 'kind': 'text', 'required': true},
        {'name': 'store_code', 'kind': 'text', 'required': false},
        {'name': 'guide_id', 'kind': 'text', 'required': true},
        {'name': 'id_type', 'kind': 'text', 'required': true, 'values': ['member_id', 'phone', 'openid', 'unionid']},
        {'name': 'id_value', 'kind': 'text', 'required': true},
        {'name': 'appid', 'kind': 'text', 'required': false},
        {'name': 'tag_code', 'kind': 'text', 'required': true},
        {'name': 'tag_value', 'kind': 'text', 'required': false},
        {'name': 'tag_action', 'lake': 'action', 'kind': 'text', 'required': true, 'values': ['set', 'clear']},
        {'name': 'tagged_at', 'kind': 'timestamp', 'required': true}]}
  } -%}
  {%- if source_name not in by_source -%}
    {{ exceptions.raise_compiler_error("channel_contract: nothing for source " ~ source_name) }}
  {%- endif -%}
  {{ return(by_source[source_name]) }}
{% endmacro %}


{#- The staged sources that assert identity (docs/identity.md), and how.
    record: the SQL of a record's key within its source; at: when it
    happened (profiles: the delivery date of their latest version); profile:
    a current state, which still asserts its identifiers on the business
    date; brand: the SQL naming its brand, shop or store (int_brand_names
    resolves it); person_brand: false when that brand is not one the person
    appeared in (int_record_brands leaves it out). Per identifier column:
    id_type; namespace (SQL, default 'global'); brand_namespace, when the
    namespace is a brand, shop or store name to resolve; raw, the staging
    column; normalized, the prefix of staging's `_normalized` / `_rejection`
    columns (opaque ids have none). -#}
{% macro identity_record_sources() %}
  {%- set delivered = 'cast(_delivery_date as ' ~ dbt.type_timestamp() ~ ')' -%}
  {{ return([
    {'source': 'tmall_orders', 'model': 'stg_tmall__order_lines', 'record': 'order_id', 'at': 'created_at', 'profile': false, 'brand': 'shop_name',
     'identifiers': [
        {'id_type': 'tmall_ouid', 'namespace': 'shop_name', 'brand_namespace': true, 'raw': 'buyer_ouid'},
        {'id_type': 'phone', 'raw': 'contact_phone', 'normalized': 'contact_phone'}]},
    {'source': 'tmall_members', 'model': 'stg_tmall__members', 'record': 'tmall_member_id', 'at': delivered, 'profile': true, 'brand': 'brand',
     'identifiers': [
        {'id_type': 'tmall_ouid', 'namespace': 'brand', 'brand_namespace': true, 'raw': 'ouid'},
        {'id_type': 'phone', 'raw': 'mobile', 'normalized': 'mobile'}]},
    {'source': 'jd_orders', 'model': 'stg_jd__order_lines', 'record': 'order_id', 'at': 'ordered_at', 'profile': false, 'brand': 'shop_name',
     'identifiers': [
        {'id_type': 'jd_pin', 'namespace': "'jd'", 'raw': 'jd_pin'},
        {'id_type': 'phone', 'raw': 'contact_phone', 'normalized': 'contact_phone'}]},
    {'source': 'wechat_miniapp_users', 'model': 'stg_wechat__miniapp_users', 'record': 'miniapp_user_id', 'at': delivered, 'profile': true, 'brand': 'brand',
     'identifiers': [
        {'id_type': 'wechat_openid', 'namespace': 'appid', 'raw': 'openid'},
        {'id_type': 'wechat_unionid', 'namespace': "'wechat_open_platform'", 'raw': 'unionid'},
        {'id_type': 'phone', 'raw': 'phone', 'normalized': 'phone'}]},
    {'source': 'wechat_oa_followers', 'model': 'stg_wechat__oa_followers', 'record': 'oa_follower_id', 'at': delivered, 'profile': true, 'brand': 'brand',
     'identifiers': [
        {'id_type': 'wechat_openid', 'namespace': 'appid', 'raw': 'openid'},
        {'id_type': 'wechat_unionid', 'namespace': "'wechat_open_platform'", 'raw': 'unionid'}]},
    {'source': 'app_events', 'model': 'stg_app__events', 'record': 'event_id', 'at': 'event_at', 'profile': false, 'brand': 'brand',
     'identifiers': [
        {'id_type': 'app_user_id', 'namespace': "'app'", 'raw': 'user_id'},
        {'id_type': 'phone', 'raw': 'phone', 'normalized': 'phone'},
        {'id_type': 'oaid', 'namespace': "'device'", 'raw': 'device_oaid', 'normalized': 'device_oaid'},
        {'id_type': 'idfa', 'namespace': "'device'", 'raw': 'device_idfa', 'normalized': 'device_idfa'},
        {'id_type': 'imei', 'namespace': "'device'", 'raw': 'device_imei', 'normalized': 'device_imei'}]},
    {'source': 'eshop_orders', 'model': 'stg_eshop__order_lines', 'record': 'order_id', 'at': 'created_at', 'profile': false, 'brand': 'brand',
     'identifiers': [
        {'id_type': 'app_user_id', 'namespace': "'app'", 'raw': 'user_id'},
        {'id_type': 'phone', 'raw': 'phone', 'normalized': 'phone'}]},
    {'source': 'pos_sales', 'model': 'stg_pos__sales_lines', 'record': dbt.concat(['store_code', "'/'", 'receipt_no']), 'at': 'sold_at', 'profile': false, 'brand': 'coalesce(brand, store_name)',
     'identifiers': [
        {'id_type': 'crm_member_id', 'namespace': 'coalesce(brand, store_name)', 'brand_namespace': true, 'raw': 'member_id'},
        {'id_type': 'phone', 'raw': 'phone', 'normalized': 'phone'}]},
    {'source': 'crm_members', 'model': 'stg_crm__members', 'record': 'crm_member_id', 'at': delivered, 'profile': true, 'brand': 'brand',
     'identifiers': [
        {'id_type': 'crm_member_id', 'namespace': 'brand', 'brand_namespace': true, 'raw': 'member_id'},
        {'id_type': 'phone', 'raw': 'phone', 'normalized': 'phone'},
        {'id_type': 'email', 'raw': 'email', 'normalized': 'email'}]},
    {'source': 'guide_tags', 'model': 'stg_guides__tag_events', 'record': 'tag_event_id', 'at': 'tagged_at', 'profile': false, 'brand': 'brand', 'person_brand': false,
     'identifiers': [
        {'id_type': 'crm_member_id', 'namespace': 'brand', 'brand_namespace': true, 'raw': 'member_id'},
        {'id_type': 'phone', 'raw': 'phone', 'normalized': 'phone'},
        {'id_type': 'wechat_openid', 'namespace': 'appid', 'raw': 'openid'},
        {'id_type': 'wechat_unionid', 'namespace': "'wechat_open_platform'", 'raw': 'unionid'}]}
  ]) }}
{% endmacro %}


{#- Each order export's statuses as [delivered, line status, line status on a
    line without a payment time (none: the same)] (macro order_line_status). -#}
{% macro order_statuses(source_name) %}
  {%- set by_source = {
    'tmall_orders': [
      ['交易成功', 'completed', none],
      ['交易关闭', 'refunded', 'unpaid'],
      ['等待买家付款', 'unpaid', none],
      ['卖家已发货，等待买家确认', 'paid', none],
      ['买家已付款，等待卖家发货', 'paid', none]],
    'jd_orders': [
      ['完成', 'completed', none],
      ['已取消', 'cancelled', none],
      ['等待出库', 'paid', none],
      ['等待确认收货', 'paid', none],
      ['退款成功', 'refunded', none]],
    'eshop_orders': [
      ['paid', 'paid', 'unpaid'],
      ['cancelled', 'cancelled', none],
      ['refunded', 'refunded', none],
      ['completed', 'completed', none]]
  } -%}
  {%- if source_name not in by_source -%}
    {{ exceptions.raise_compiler_error("order_statuses: nothing for source " ~ source_name) }}
  {%- endif -%}
  {{ return(by_source[source_name]) }}
{% endmacro %}
