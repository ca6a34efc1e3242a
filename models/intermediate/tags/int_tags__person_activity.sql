{#- What lifecycle, status and RFM read of a person's orders and
    interactions up to the business date, for the whole group (scope
    `group`) and per brand: one row per OneID x scope with any order,
    valid purchase line or status interaction (docs/tags.md).

      order_count, last_order_on       every order (any status)
      valid_orders, first_purchase_on, last_purchase_on   valid purchases
      rfm_frequency, rfm_monetary      valid orders and net amount of every
                                       order in the RFM window (var
                                       tags_rfm_window_days)
      shortest_cycle_days              the shortest repurchase cycle (seed
                                       tag_repurchase_cycles) of what was bought
      last_event_on                    the last interaction the person made
                                       (not var tags_status_passive_interactions)

    int_tags__lifecycle and int_tags__rfm measure these against the
    business date every night.

    Incremental (docs/incremental.md), keyed by OneID: a night re-derives
    int_engagement__reconsidered_oneids (new, re-derived and maturing
    orders and interactions) and the people with an order on a day that
    left the RFM window since the extended night; everyone else's rows are
    as they were. -#}

{{ config(materialized='keyed_incremental', unique_key=['oneid'], dedup='replace') }}
-- depends_on: {{ ref('int_engagement__reconsidered_oneids') }}

{%- set window_days = var('tags_rfm_window_days') %}

with

{% if is_incremental() -%}
rederived as (

    select oneid from {{ ref('int_engagement__reconsidered_oneids') }}
    union
    select oneid from {{ ref('int_commerce__orders') }}
    where oneid is not null
        and {{ left_the_window('ordered_on', window_days) }}

),

{% endif -%}
orders as (

    select * from {{ ref('int_commerce__orders') }}
    where oneid is not null
        and ordered_on <= {{ business_date() }}
        {%- if is_incremental() %}
        and oneid in (select oneid from rederived)
        {%- endif %}

),

order_lines as (

    select * from {{ ref('int_commerce__order_lines') }}
    where oneid is not null
        and is_valid_purchase
        and ordered_on <= {{ business_date() }}
        {%- if is_incremental() %}
        and oneid in (select oneid from rederived)
        {%- endif %}

),

interactions as (

    select * from {{ ref('int_engagement__interactions') }}
    where interaction_on <= {{ business_date() }}
        and interaction_type not in (
            {%- for passive in var('tags_status_passive_interactions') %}
            '{{ passive }}'{{ ',' if not loop.last }}
            {%- endfor %}
        )
        {%- if is_incremental() %}
        and oneid in (select oneid from rederived)
        {%- endif %}

),

repurchase_cycles as (

    select * from {{ ref('tag_repurchase_cycles') }}

),

scoped_orders as (

    select 'group' as scope, oneid, ordered_on, is_valid_purchase, net_amount from orders
    union all
    select brand as scope, oneid, ordered_on, is_valid_purchase, net_amount from orders
    where brand is not null

),

order_summary as (

    select
        scope,
        oneid,
        count(*) as order_count,
        max(ordered_on) as last_order_on,
        sum(case when is_valid_purchase then 1 else 0 end) as valid_orders,
        min(case when is_valid_purchase then ordered_on end) as first_purchase_on,
        max(case when is_valid_purchase then ordered_on end) as last_purchase_on,
        sum(case
            when is_valid_purchase and {{ dbt.datediff('ordered_on', business_date(), 'day') }} < {{ window_days }} then 1
            else 0
        end) as rfm_frequency,
        sum(case
            when {{ dbt.datediff('ordered_on', business_date(), 'day') }} < {{ window_days }} then net_amount
            else 0
        end) as rfm_monetary
    from scoped_orders
    group by scope, oneid

),

scoped_cycles as (

    select 'group' as scope, order_lines.oneid, repurchase_cycles.repurchase_cycle_days
    from order_lines
    inner join repurchase_cycles on order_lines.subcategory = repurchase_cycles.category_l2
    union all
    select order_lines.brand as scope, order_lines.oneid, repurchase_cycles.repurchase_cycle_days
    from order_lines
    inner join repurchase_cycles on order_lines.subcategory = repurchase_cycles.category_l2
    where order_lines.brand is not null

),

cycle_summary as (

    select scope, oneid, min(repurchase_cycle_days) as shortest_cycle_days
    from scoped_cycles
    group by scope, oneid

),

scoped_interactions as (

    select 'group' as scope, oneid, interaction_on from interactions
    union all
    select brand as scope, oneid, interaction_on from interactions
    where brand is not null

),

event_summary as (

    select scope, oneid, max(interaction_on) as last_event_on
    from scoped_interactions
    group by scope, oneid

),

scoped_people as (

    select scope, oneid from order_summary
    union
    select scope, oneid from cycle_summary
    union
    select scope, oneid from event_summary

),

activity as (

    select
        scoped_people.oneid,
        scoped_people.scope,
        cast(coalesce(order_summary.order_count, 0) as {{ dbt.type_bigint() }}) as order_count,
        order_summary.last_order_on,
        cast(coalesce(order_summary.valid_orders, 0) as {{ dbt.type_bigint() }}) as valid_orders,
        order_summary.first_purchase_on,
        order_summary.last_purchase_on,
        cast(coalesce(order_summary.rfm_frequency, 0) as {{ dbt.type_bigint() }}) as rfm_frequency,
        cast(coalesce(order_summary.rfm_monetary, 0) as {{ type_amount() }}) as rfm_monetary,
        cycle_summary.shortest_cycle_days,
        event_summary.last_event_on
    from scoped_people
    left join order_summary
        on scoped_people.scope = order_summary.scope
        and scoped_people.oneid = order_summary.oneid
    left join cycle_summary
        on scoped_people.scope = cycle_summary.scope
        and scoped_people.oneid = cycle_summary.oneid
    left join event_summary
        on scoped_people.scope = event_summary.scope
        and scoped_people.oneid = event_summary.oneid

),

final as (

    {{ with_tombstones('activity', 'rederived', ['oneid']) }}

)

select * from final
