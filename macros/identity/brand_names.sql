{#- Where the deliveries name a brand (docs/identity.md, "Brands"): each
    staged column that holds a brand (`is_brand`: a brand value, which makes
    the brand known) or the name of a shop or store (resolved to a known
    brand). A POS receipt without 品牌 falls back to its store name. -#}
{% macro delivered_brand_names() %}
  {{ return([
    {'source': 'tmall_members', 'model': 'stg_tmall__members', 'column': 'brand', 'is_brand': true},
    {'source': 'wechat_miniapp_users', 'model': 'stg_wechat__miniapp_users', 'column': 'brand', 'is_brand': true},
    {'source': 'wechat_oa_followers', 'model': 'stg_wechat__oa_followers', 'column': 'brand', 'is_brand': true},
    {'source': 'app_events', 'model': 'stg_app__events', 'column': 'brand', 'is_brand': true},
    {'source': 'eshop_orders', 'model': 'stg_eshop__order_lines', 'column': 'brand', 'is_brand': true},
    {'source': 'pos_sales', 'model': 'stg_pos__sales_lines', 'column': 'brand', 'is_brand': true},
    {'source': 'crm_members', 'model': 'stg_crm__members', 'column': 'brand', 'is_brand': true},
    {'source': 'products', 'model': 'stg_catalog__products', 'column': 'brand', 'is_brand': true},
    {'source': 'tmall_orders', 'model': 'stg_tmall__order_lines', 'column': 'shop_name', 'is_brand': false},
    {'source': 'jd_orders', 'model': 'stg_jd__order_lines', 'column': 'shop_name', 'is_brand': false},
    {'source': 'pos_sales', 'model': 'stg_pos__sales_lines', 'column': 'store_name', 'is_brand': false, 'where': 'brand is null'},
    {'source': 'guide_tags', 'model': 'stg_guides__tag_events', 'column': 'brand', 'is_brand': false},
  ]) }}
{% endmacro %}
