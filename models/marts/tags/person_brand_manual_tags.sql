{#- Each person's current manual tags per brand (导购标签): of the accepted
    guide-tag events (int_guides__person_tag_events), the latest per
    (OneID, brand, tag) wins (ties: the greater event id); a latest `clear`
    removes the tag. Who set it (guide), where (store) and when, with the
    catalog's names and labels (seed manual_tag_catalog). -#}

with

events as (

    select * from {{ ref('int_guides__person_tag_events') }}
    where rejection is null

),

catalog as (

    select * from {{ ref('manual_tag_catalog') }}

),

ranked as (

    select
        events.*,
        row_number() over (
            partition by oneid, brand, tag_code
            order by tagged_at desc, tag_event_id desc
        ) as recency_rank
    from events

),

final as (

    select
        {{ generate_surrogate_key(['ranked.oneid', 'ranked.brand', 'ranked.tag_code']) }} as person_brand_manual_tag_id,
        ranked.oneid,
        ranked.brand,
        ranked.tag_code,
        catalog.tag_name_zh,
        catalog.tag_name_en,
        ranked.tag_value,
        catalog.value_label_zh,
        catalog.value_label_en,
        ranked.guide_id,
        ranked.store_code,
        ranked.tagged_at,
        ranked.tag_event_id,
        {{ business_date() }} as business_date
    from ranked
    inner join catalog
        on ranked.brand = catalog.brand
        and ranked.tag_code = catalog.tag_code
        and ranked.tag_value = catalog.tag_value
    where ranked.recency_rank = 1
        and not ranked.is_clear

)

select * from final
