{#- An App-event audience: OneID x brand pairs with an App event named in
    `event_names` for the brand within the last `days` days (up to the
    business date) who bought nothing of that brand, in any channel, since
    their first such event. -#}
{% macro app_event_without_purchase(event_names, days) %}
with

events as (

    select * from {{ ref('stg_app__events') }}
    where event_name in ('{{ event_names | join("', '") }}')
      and brand is not null
      and cast(event_at as date) > {{ dbt.dateadd('day', -days, business_date()) }}
      and cast(event_at as date) <= {{ business_date() }}

),

record_oneids as (

    select * from {{ ref('int_record_oneids') }}
    where source_name = 'app_events'

),

order_lines as (

    select * from {{ ref('int_commerce__order_lines') }}
    where is_valid_purchase and oneid is not null

),

engaged as (

    select record_oneids.oneid, events.brand, min(events.event_at) as first_event_at
    from events
    inner join record_oneids on events.event_id = record_oneids.record_key
    group by record_oneids.oneid, events.brand

),

final as (

    select engaged.oneid, engaged.brand
    from engaged
    left join order_lines
        on engaged.oneid = order_lines.oneid
        and engaged.brand = order_lines.brand
        and order_lines.ordered_at >= engaged.first_event_at
    where order_lines.oneid is null

)

select * from final
{% endmacro %}
