{#- Lifecycle stage and activity status per person, for the whole group
    (scope `group`) and per brand (scope = brand code), as of the business
    date (docs/tags.md, "Lifecycle and status").

    Stage (潜客 -> 新客 -> 老客 -> 会员), first rule that holds:
      member    - holds a current programme membership (of the brand, for a brand scope);
      prospect  - known, but no valid purchase ever;
      new       - one valid purchase, at most var tags_new_customer_days old;
      returning - two or more valid purchases, or a first one older than that.
    Status, from days since the last interaction (any order placed, or an
    interaction of int_engagement__interactions the person made: App
    events, follows, sign-ups, programme joins, campaign opens and clicks,
    ad clicks and conversions; not what was only shown or sent to them,
    var tags_status_passive_interactions) against the person's cycle: the
    shortest repurchase cycle (seed tag_repurchase_cycles) of the
    subcategories bought, clamped to [tags_status_min_cycle_days,
    tags_status_max_cycle_days]; the default cycle when nothing with a
    known cycle was bought.
      active   - within one cycle;
      sleeping - within tags_status_churn_cycles cycles;
      churned  - beyond;
      no_interaction - no dated interaction on record. -#}

with

persons as (

    select * from {{ ref('int_tags__persons') }}

),

orders as (

    select * from {{ ref('int_commerce__orders') }}
    where oneid is not null
        and ordered_on <= {{ business_date() }}

),

order_lines as (

    select * from {{ ref('int_commerce__order_lines') }}
    where oneid is not null
        and is_valid_purchase
        and ordered_on <= {{ business_date() }}

),

interactions as (

    select * from {{ ref('int_engagement__interactions') }}
    where interaction_on <= {{ business_date() }}
        and interaction_type not in (
            {%- for passive in var('tags_status_passive_interactions') %}
            '{{ passive }}'{{ ',' if not loop.last }}
            {%- endfor %}
        )

),

memberships as (

    select * from {{ ref('int_person_memberships') }}
    where is_current

),

repurchase_cycles as (

    select * from {{ ref('tag_repurchase_cycles') }}

),

scoped_orders as (

    select 'group' as scope, oneid, ordered_on, is_valid_purchase from orders
    union all
    select brand as scope, oneid, ordered_on, is_valid_purchase from orders
    where brand is not null

),

order_summary as (

    select
        scope,
        oneid,
        sum(case when is_valid_purchase then 1 else 0 end) as valid_orders,
        min(case when is_valid_purchase then ordered_on end) as first_purchase_on,
        max(ordered_on) as last_order_on
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

scoped_memberships as (

    select distinct 'group' as scope, oneid from memberships
    union all
    select distinct brand as scope, oneid from memberships
    where brand is not null

),

scope_members as (

    select 'group' as scope, oneid from persons
    union
    select scope, oneid from order_summary where scope <> 'group'
    union
    select scope, oneid from event_summary where scope <> 'group'
    union
    select scope, oneid from scoped_memberships where scope <> 'group'

),

joined as (

    select
        scope_members.scope,
        scope_members.oneid,
        coalesce(order_summary.valid_orders, 0) as valid_orders,
        order_summary.first_purchase_on,
        scoped_memberships.oneid is not null as is_member,
        case
            when order_summary.last_order_on is null then event_summary.last_event_on
            when event_summary.last_event_on is null then order_summary.last_order_on
            when event_summary.last_event_on > order_summary.last_order_on then event_summary.last_event_on
            else order_summary.last_order_on
        end as last_interaction_on,
        case
            when cycle_summary.shortest_cycle_days is null then {{ var('tags_status_default_cycle_days') }}
            when cycle_summary.shortest_cycle_days < {{ var('tags_status_min_cycle_days') }} then {{ var('tags_status_min_cycle_days') }}
            when cycle_summary.shortest_cycle_days > {{ var('tags_status_max_cycle_days') }} then {{ var('tags_status_max_cycle_days') }}
            else cycle_summary.shortest_cycle_days
        end as status_cycle_days
    from scope_members
    left join order_summary
        on scope_members.scope = order_summary.scope
        and scope_members.oneid = order_summary.oneid
    left join event_summary
        on scope_members.scope = event_summary.scope
        and scope_members.oneid = event_summary.oneid
    left join cycle_summary
        on scope_members.scope = cycle_summary.scope
        and scope_members.oneid = cycle_summary.oneid
    left join scoped_memberships
        on scope_members.scope = scoped_memberships.scope
        and scope_members.oneid = scoped_memberships.oneid

),

measured as (

    select
        joined.*,
        {{ dbt.datediff('first_purchase_on', business_date(), 'day') }} as days_since_first_purchase,
        {{ dbt.datediff('last_interaction_on', business_date(), 'day') }} as days_since_last_interaction
    from joined

),

final as (

    select
        scope,
        oneid,
        valid_orders,
        first_purchase_on,
        days_since_first_purchase,
        is_member,
        case
            when is_member then 'member'
            when valid_orders = 0 then 'prospect'
            when valid_orders = 1 and days_since_first_purchase <= {{ var('tags_new_customer_days') }} then 'new'
            else 'returning'
        end as lifecycle_stage,
        last_interaction_on,
        days_since_last_interaction,
        cast(status_cycle_days as {{ dbt.type_int() }}) as status_cycle_days,
        case
            when last_interaction_on is null then 'no_interaction'
            when days_since_last_interaction <= status_cycle_days then 'active'
            when days_since_last_interaction <= status_cycle_days * {{ var('tags_status_churn_cycles') }} then 'sleeping'
            else 'churned'
        end as activity_status
    from measured

)

select * from final
