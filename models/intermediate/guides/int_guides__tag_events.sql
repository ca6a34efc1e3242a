{#- Every staged guide-tag event, checked against its brand's manual-tag
    catalog (seed manual_tag_catalog): the brand resolved like every other
    brand column (int_brand_names), the tag and the value matched on their
    comparison keys (a value by its code or either label), and written in
    the catalog's codes. An event the catalog cannot take keeps its row with
    the first reason that applies, so that staged = accepted + rejected:

    unresolved_brand      the brand names no known brand
    unknown_tag_code      the brand's catalog has no such tag
    missing_tag_value     a `set` without a value
    value_not_in_catalog  the value is none of the tag's allowed values -#}

with

events as (

    select * from {{ ref('stg_guides__tag_events') }}

),

brand_names as (

    select name_as_delivered, brand from {{ ref('int_brand_names') }}

),

catalog as (

    select * from {{ ref('manual_tag_catalog') }}

),

tags as (

    select distinct brand, tag_code, {{ comparison_key('tag_code') }} as tag_code_key
    from catalog

),

-- Each allowed value under every spelling a guide app may send: code, Chinese or English label.
value_spellings as (

    select brand, tag_code, tag_value, {{ comparison_key('tag_value') }} as value_key from catalog
    union
    select brand, tag_code, tag_value, {{ comparison_key('value_label_zh') }} as value_key from catalog
    union
    select brand, tag_code, tag_value, {{ comparison_key('value_label_en') }} as value_key from catalog

),

resolved as (

    select
        events.*,
        brand_names.brand as resolved_brand,
        tags.tag_code as catalog_tag_code
    from events
    left join brand_names on events.brand = brand_names.name_as_delivered
    left join tags
        on brand_names.brand = tags.brand
        and events.tag_code_key = tags.tag_code_key

),

value_matches as (

    select
        resolved.tag_event_id,
        min(value_spellings.tag_value) as catalog_tag_value,
        count(distinct value_spellings.tag_value) as catalog_values_matched
    from resolved
    inner join value_spellings
        on resolved.resolved_brand = value_spellings.brand
        and resolved.catalog_tag_code = value_spellings.tag_code
        and resolved.tag_value_key = value_spellings.value_key
    group by resolved.tag_event_id

),

matched as (

    select
        resolved.*,
        value_matches.catalog_tag_value,
        coalesce(value_matches.catalog_values_matched, 0) as catalog_values_matched
    from resolved
    left join value_matches on resolved.tag_event_id = value_matches.tag_event_id

),

final as (

    select
        tag_event_id,
        resolved_brand as brand,
        brand as brand_as_delivered,
        guide_id,
        store_code,
        id_type,
        id_value,
        appid,
        catalog_tag_code as tag_code,
        case when not is_clear then catalog_tag_value end as tag_value,
        tag_code as tag_code_as_delivered,
        tag_value as tag_value_as_delivered,
        tag_action,
        is_clear,
        tagged_at,
        case
            when resolved_brand is null then 'unresolved_brand'
            when catalog_tag_code is null then 'unknown_tag_code'
            when not is_clear and tag_value is null then 'missing_tag_value'
            when not is_clear and catalog_values_matched <> 1 then 'value_not_in_catalog'
        end as rejection,
        _file_path,
        _file_line,
        _load_id
    from matched

)

select * from final
