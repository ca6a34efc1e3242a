{#- Guide-tag events that set no tag, one row per event with the reason
    (int_guides__tag_events, int_guides__person_tag_events): what a brand's
    guide-app team fixes. The file and line find the delivered row; no
    identifier and no free text the guide typed is shown here. -#}

with

events as (

    select * from {{ ref('int_guides__person_tag_events') }}
    where rejection is not null

),

final as (

    select
        tag_event_id,
        rejection,
        brand,
        store_code,
        guide_id,
        id_type,
        tag_code,
        tag_action,
        tagged_at,
        _file_path as file_path,
        _file_line as file_line,
        {{ business_date() }} as business_date
    from events

)

select * from final
