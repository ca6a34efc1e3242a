{#- The staged sources that assert identity, and the identifier columns of
    each (docs/identity.md). A record is the unit a source asserts identity
    with: an order (all its lines), a POS receipt, an App event, a member or
    follower profile (its latest version, as staging keeps it).

    record: the SQL expression of the record's key within its source;
    at: when the record happened (profiles: the delivery date of their
    latest version); profile: the source is a current state, which still
    asserts its identifiers on the business date; person_brand (default
    true): false when the record's brand is not a brand the person appeared
    in (a guide tag names the brand whose guide typed the identifier, and
    may be refused downstream), so int_record_brands leaves it out.
    Per identifier column: id_type; namespace, a SQL expression (default
    'global'); brand_namespace, true when that expression is a brand, shop
    or store name to resolve to a brand (int_brand_names); raw, the delivered
    column; normalized, the prefix of staging's `_normalized` / `_rejection`
    columns (opaque ids have none: their value is the raw value). -#}
{% macro identity_record_sources() %}
  {%- set delivered = 'cast(_delivery_date as ' ~ dbt.type_timestamp() ~ ')' -%}
  {%- set receipt = dbt.concat(['store_code', "'/'", 'receipt_no']) -%}
  {{ return([
    {'source': 'tmall_orders', 'model': 'stg_tmall__order_lines', 'record': 'order_id', 'at': 'created_at', 'profile': false,
     'identifiers': [
        {'id_type': 'tmall_ouid', 'namespace': 'shop_name', 'brand_namespace': true, 'raw': 'buyer_ouid'},
        {'id_type': 'phone', 'raw': 'contact_phone', 'normalized': 'contact_phone'}]},
    {'source': 'tmall_members', 'model': 'stg_tmall__members', 'record': 'tmall_member_id', 'at': delivered, 'profile': true,
     'identifiers': [
        {'id_type': 'tmall_ouid', 'namespace': 'brand', 'brand_namespace': true, 'raw': 'ouid'},
        {'id_type': 'phone', 'raw': 'mobile', 'normalized': 'mobile'}]},
    {'source': 'jd_orders', 'model': 'stg_jd__order_lines', 'record': 'order_id', 'at': 'ordered_at', 'profile': false,
     'identifiers': [
        {'id_type': 'jd_pin', 'namespace': "'jd'", 'raw': 'jd_pin'},
        {'id_type': 'phone', 'raw': 'contact_phone', 'normalized': 'contact_phone'}]},
    {'source': 'wechat_miniapp_users', 'model': 'stg_wechat__miniapp_users', 'record': 'miniapp_user_id', 'at': delivered, 'profile': true,
     'identifiers': [
        {'id_type': 'wechat_openid', 'namespace': 'appid', 'raw': 'openid'},
        {'id_type': 'wechat_unionid', 'namespace': "'wechat_open_platform'", 'raw': 'unionid'},
        {'id_type': 'phone', 'raw': 'phone', 'normalized': 'phone'}]},
    {'source': 'wechat_oa_followers', 'model': 'stg_wechat__oa_followers', 'record': 'oa_follower_id', 'at': delivered, 'profile': true,
     'identifiers': [
        {'id_type': 'wechat_openid', 'namespace': 'appid', 'raw': 'openid'},
        {'id_type': 'wechat_unionid', 'namespace': "'wechat_open_platform'", 'raw': 'unionid'}]},
    {'source': 'app_events', 'model': 'stg_app__events', 'record': 'event_id', 'at': 'event_at', 'profile': false,
     'identifiers': [
        {'id_type': 'app_user_id', 'namespace': "'app'", 'raw': 'user_id'},
        {'id_type': 'phone', 'raw': 'phone', 'normalized': 'phone'},
        {'id_type': 'oaid', 'namespace': "'device'", 'raw': 'device_oaid', 'normalized': 'device_oaid'},
        {'id_type': 'idfa', 'namespace': "'device'", 'raw': 'device_idfa', 'normalized': 'device_idfa'},
        {'id_type': 'imei', 'namespace': "'device'", 'raw': 'device_imei', 'normalized': 'device_imei'}]},
    {'source': 'eshop_orders', 'model': 'stg_eshop__order_lines', 'record': 'order_id', 'at': 'created_at', 'profile': false,
     'identifiers': [
        {'id_type': 'app_user_id', 'namespace': "'app'", 'raw': 'user_id'},
        {'id_type': 'phone', 'raw': 'phone', 'normalized': 'phone'}]},
    {'source': 'pos_sales', 'model': 'stg_pos__sales_lines', 'record': receipt, 'at': 'sold_at', 'profile': false,
     'identifiers': [
        {'id_type': 'crm_member_id', 'namespace': 'coalesce(brand, store_name)', 'brand_namespace': true, 'raw': 'member_id'},
        {'id_type': 'phone', 'raw': 'phone', 'normalized': 'phone'}]},
    {'source': 'crm_members', 'model': 'stg_crm__members', 'record': 'crm_member_id', 'at': delivered, 'profile': true,
     'identifiers': [
        {'id_type': 'crm_member_id', 'namespace': 'brand', 'brand_namespace': true, 'raw': 'member_id'},
        {'id_type': 'phone', 'raw': 'phone', 'normalized': 'phone'},
        {'id_type': 'email', 'raw': 'email', 'normalized': 'email'}]},
    {'source': 'guide_tags', 'model': 'stg_guides__tag_events', 'record': 'tag_event_id', 'at': 'tagged_at', 'profile': false, 'person_brand': false,
     'identifiers': [
        {'id_type': 'crm_member_id', 'namespace': 'brand', 'brand_namespace': true, 'raw': 'member_id'},
        {'id_type': 'phone', 'raw': 'phone', 'normalized': 'phone'},
        {'id_type': 'wechat_openid', 'namespace': 'appid', 'raw': 'openid'},
        {'id_type': 'wechat_unionid', 'namespace': "'wechat_open_platform'", 'raw': 'unionid'}]},
  ]) }}
{% endmacro %}


{#- The sources of a group of rows as one text, comma-separated and
    alphabetical: an aggregate over `source_column` without the cost of an
    ordered string aggregation. -#}
{% macro identity_source_list(source_column) -%}
    concat_ws(','
    {%- for source in identity_record_sources() | map(attribute='source') | sort %},
        max(case when {{ source_column }} = '{{ source }}' then '{{ source }}' end)
    {%- endfor %})
{%- endmacro %}


{#- The keys of the records of one source (an entry of identity_record_sources)
    that tonight touched: staging kept a row of tonight's for them, or the
    brand, shop or store name they carry resolves to another brand tonight
    (int_brand_names' slice: a new brand makes a shop name resolve, or two
    brands make it ambiguous). Models that call it on incremental nights
    declare `-- depends_on: {{ ref('int_brand_names') }}`. -#}
{% macro touched_records(source) -%}
    {%- set brand_column = person_record_brand_columns().get(source.source) -%}
    select distinct {{ source.record }} as record_key
    from {{ ref(source.model) }}
    where {{ tonight_loads_condition() }}
    {%- if brand_column %}
        or {{ brand_column }} in (
            select name_as_delivered from {{ night_slice(ref('int_brand_names')) }}
            where brand is distinct from _previous_brand
        )
    {%- endif %}
{%- endmacro %}


{#- (source_name, record_key) of every record tonight's loads touched, over
    all identity sources. -#}
{% macro touched_identity_records() -%}
    {%- for source in identity_record_sources() %}
    select
        '{{ source.source }}' as source_name,
        cast(record_key as {{ dbt.type_string() }}) as record_key
    from ({{ touched_records(source) }}) as records
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}


{#- The OneIDs, before and after tonight, of the records int_record_oneids
    re-voted tonight (its slice): the people whose per-record facts an
    incremental night re-derives. Only on incremental nights. -#}
{% macro revoted_oneids() -%}
    select oneid from {{ night_slice(ref('int_record_oneids')) }}
    where oneid is not null
    union
    select _previous_oneid as oneid from {{ night_slice(ref('int_record_oneids')) }}
    where _previous_oneid is not null
{%- endmacro %}
