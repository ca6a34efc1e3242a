{#- generated from pipeline/ingest/sources.py by `make contract`: edit the contract, not this file. -#}

{#- The channel contract of one source as its staging model sees it: the
    natural key and dedup rule (macro deduplicate), and the rules of every
    column that has one, under its staging name. -#}
{% macro channel_contract(source_name) %}
  {%- set contracts = {
    'tmall_orders': {'model': 'stg_tmall__order_lines', 'natural_key': ['sub_order_id'], 'dedup': 'latest',
      'columns': [
        {'name': 'order_id', 'required': true},
        {'name': 'sub_order_id', 'required': true},
        {'name': 'buyer_ouid', 'required': true},
        {'name': 'shop_name', 'required': true},
        {'name': 'sku', 'required': true},
        {'name': 'quantity', 'required': true, 'min_value': 1},
        {'name': 'paid_amount', 'required': true, 'min_value': 0},
        {'name': 'refund_amount', 'required': false, 'min_value': 0},
        {'name': 'order_status', 'required': true, 'values': ['交易成功', '交易关闭', '等待买家付款', '卖家已发货，等待买家确认', '买家已付款，等待卖家发货']},
        {'name': 'created_at', 'required': true}]},
    'tmall_members': {'model': 'stg_tmall__members', 'natural_key': ['brand', 'ouid'], 'dedup': 'latest',
      'columns': [
        {'name': 'ouid', 'required': true},
        {'name': 'brand', 'required': true},
        {'name': 'member_level', 'required': false, 'values': ['V1', 'V2', 'V3', 'V4']},
        {'name': 'points', 'required': false, 'min_value': 0}]},
    'jd_orders': {'model': 'stg_jd__order_lines', 'natural_key': ['order_id', 'sku'], 'dedup': 'latest',
      'columns': [
        {'name': 'order_id', 'required': true},
        {'name': 'jd_pin', 'required': true},
        {'name': 'shop_name', 'required': true},
        {'name': 'sku', 'required': true},
        {'name': 'quantity', 'required': true, 'min_value': 1},
        {'name': 'payable_amount', 'required': true, 'min_value': 0},
        {'name': 'order_status', 'required': true, 'values': ['完成', '已取消', '等待出库', '等待确认收货', '退款成功']},
        {'name': 'ordered_at', 'required': true}]},
    'wechat_miniapp_users': {'model': 'stg_wechat__miniapp_users', 'natural_key': ['appid', 'openid'], 'dedup': 'latest',
      'columns': [
        {'name': 'appid', 'required': true},
        {'name': 'openid', 'required': true},
        {'name': 'brand', 'required': true},
        {'name': 'created_at', 'required': true}]},
    'wechat_oa_followers': {'model': 'stg_wechat__oa_followers', 'natural_key': ['appid', 'openid'], 'dedup': 'latest',
      'columns': [
        {'name': 'appid', 'required': true},
        {'name': 'openid', 'required': true},
        {'name': 'is_subscribed', 'required': true},
        {'name': 'brand', 'required': true}]},
    'app_events': {'model': 'stg_app__events', 'natural_key': ['event_id'], 'dedup': 'first',
      'columns': [
        {'name': 'event_id', 'required': true},
        {'name': 'event_at', 'required': true},
        {'name': 'event_name', 'required': true, 'values': ['app_open', 'view_item', 'search', 'favorite', 'add_to_cart', 'purchase', 'live_view', 'coupon_claim', 'share', 'review']},
        {'name': 'brand', 'required': true},
        {'name': 'item_price', 'required': false, 'min_value': 0},
        {'name': 'review_rating', 'required': false, 'min_value': 0}]},
    'eshop_orders': {'model': 'stg_eshop__order_lines', 'natural_key': ['order_id', 'line_no'], 'dedup': 'latest',
      'columns': [
        {'name': 'order_id', 'required': true},
        {'name': 'line_no', 'required': true, 'min_value': 1},
        {'name': 'brand', 'required': true},
        {'name': 'sku', 'required': true},
        {'name': 'quantity', 'required': true, 'min_value': 1},
        {'name': 'paid_amount', 'required': true, 'min_value': 0},
        {'name': 'refund_amount', 'required': false, 'min_value': 0},
        {'name': 'order_status', 'required': true, 'values': ['paid', 'cancelled', 'refunded', 'completed']},
        {'name': 'created_at', 'required': true}]},
    'pos_sales': {'model': 'stg_pos__sales_lines', 'natural_key': ['store_code', 'receipt_no', 'sku', 'quantity', 'amount', 'sold_at'], 'dedup': 'same_content',
      'columns': [
        {'name': 'store_code', 'required': true},
        {'name': 'receipt_no', 'required': true},
        {'name': 'sku', 'required': true},
        {'name': 'quantity', 'required': true},
        {'name': 'amount', 'required': true},
        {'name': 'sold_at', 'required': true}]},
    'crm_members': {'model': 'stg_crm__members', 'natural_key': ['brand', 'member_id'], 'dedup': 'latest',
      'columns': [
        {'name': 'member_id', 'required': true},
        {'name': 'brand', 'required': true},
        {'name': 'gender', 'required': false, 'values': ['M', 'F']},
        {'name': 'points', 'required': false, 'min_value': 0},
        {'name': 'member_type', 'required': false, 'values': ['group', 'brand', 'dealer', 'store']},
        {'name': 'member_status', 'required': false, 'values': ['active', 'frozen', 'cancelled']}]},
    'ad_backflow': {'model': 'stg_ads__backflow_events', 'natural_key': ['platform', 'ad_campaign_id', 'creative_id', 'event_name', 'event_at', 'id_type', 'id_value', 'cost'], 'dedup': 'same_content',
      'columns': [
        {'name': 'platform', 'required': true, 'values': ['tencent', 'oceanengine', 'alimama']},
        {'name': 'ad_campaign_id', 'required': true},
        {'name': 'event_name', 'required': true, 'values': ['impression', 'click', 'conversion']},
        {'name': 'event_at', 'required': true},
        {'name': 'id_type', 'required': true, 'values': ['oaid_md5', 'idfa_md5', 'imei_md5', 'phone_sha256', 'phone_md5']},
        {'name': 'id_value', 'required': true},
        {'name': 'cost', 'required': false, 'min_value': 0}]},
    'consents': {'model': 'stg_consents__consent_events', 'natural_key': ['channel', 'id_type', 'id_value', 'consent_action', 'event_at', 'consent_source'], 'dedup': 'same_content',
      'columns': [
        {'name': 'channel', 'required': true, 'values': ['sms', 'wechat_template', 'app_push', 'email', 'phone_call', 'media']},
        {'name': 'id_type', 'required': true, 'values': ['phone', 'openid', 'email', 'device', 'member_id']},
        {'name': 'id_value', 'required': true},
        {'name': 'consent_action', 'required': true, 'values': ['opt_in', 'opt_out']},
        {'name': 'event_at', 'required': true}]},
    'campaign_touches': {'model': 'stg_campaigns__touches', 'natural_key': ['touch_id'], 'dedup': 'latest',
      'columns': [
        {'name': 'touch_id', 'required': true},
        {'name': 'campaign_id', 'required': true},
        {'name': 'channel', 'required': true, 'values': ['sms', 'wechat_template', 'app_push', 'email']},
        {'name': 'id_type', 'required': true, 'values': ['phone', 'openid', 'email', 'device', 'member_id', 'user_id']},
        {'name': 'id_value', 'required': true},
        {'name': 'sent_at', 'required': true}]},
    'products': {'model': 'stg_catalog__products', 'natural_key': ['sku'], 'dedup': 'snapshot',
      'columns': [
        {'name': 'sku', 'required': true},
        {'name': 'brand', 'required': true},
        {'name': 'category_l1', 'required': true, 'values': ['家电', '数码', '母婴', '生鲜', '美妆', '服饰', '家居', '服务']},
        {'name': 'list_price', 'required': false, 'min_value': 0}]},
    'guide_tags': {'model': 'stg_guides__tag_events', 'natural_key': ['tag_event_id'], 'dedup': 'first',
      'columns': [
        {'name': 'tag_event_id', 'required': true},
        {'name': 'brand', 'required': true},
        {'name': 'guide_id', 'required': true},
        {'name': 'id_type', 'required': true, 'values': ['member_id', 'phone', 'openid', 'unionid']},
        {'name': 'id_value', 'required': true},
        {'name': 'tag_code', 'required': true},
        {'name': 'tag_action', 'required': true, 'values': ['set', 'clear']},
        {'name': 'tagged_at', 'required': true}]}
  } -%}
  {%- if source_name not in contracts -%}
    {{ exceptions.raise_compiler_error("channel_contract: no source " ~ source_name) }}
  {%- endif -%}
  {{ return(contracts[source_name]) }}
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
