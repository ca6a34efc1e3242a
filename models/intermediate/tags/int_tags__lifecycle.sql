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
      no_interaction - no dated interaction on record.
    What it measures comes from int_tags__person_activity, kept
    incrementally; the stage and status are measured against the business
    date every night, for everyone. -#}

with

persons as (

    select * from {{ ref('int_tags__persons') }}

),

activity as (

    select * from {{ ref('int_tags__person_activity') }}

),

memberships as (

    select * from {{ ref('int_person_memberships') }}
    where is_current

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
    select scope, oneid from activity where scope <> 'group'
    union
    select scope, oneid from scoped_memberships where scope <> 'group'

),

joined as (

    select
        scope_members.scope,
        scope_members.oneid,
        coalesce(activity.valid_orders, 0) as valid_orders,
        activity.first_purchase_on,
        scoped_memberships.oneid is not null as is_member,
        case
            when activity.last_order_on is null then activity.last_event_on
            when activity.last_event_on is null then activity.last_order_on
            when activity.last_event_on > activity.last_order_on then activity.last_event_on
            else activity.last_order_on
        end as last_interaction_on,
        case
            when activity.shortest_cycle_days is null then {{ var('tags_status_default_cycle_days') }}
            when activity.shortest_cycle_days < {{ var('tags_status_min_cycle_days') }} then {{ var('tags_status_min_cycle_days') }}
            when activity.shortest_cycle_days > {{ var('tags_status_max_cycle_days') }} then {{ var('tags_status_max_cycle_days') }}
            else activity.shortest_cycle_days
        end as status_cycle_days
    from scope_members
    left join activity
        on scope_members.scope = activity.scope
        and scope_members.oneid = activity.oneid
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
