{#- Category preference (用户分群 by category) per person and category
    (docs/tags.md, "Groups"): within var tags_category_window_days, the
    person's share of net spend per catalog category (negative net amounts,
    e.g. a return exceeding the purchases of a category, count as 0) and
    share of App item views per category. The preference share mixes them,
    spend weighted by var tags_category_spend_weight; a person with only
    spend or only views uses that share alone. A category with a preference
    share of at least var tags_category_user_min_share makes the person one
    of its users; the preferred category is the one with the largest share
    (ties: category code order). -#}

{%- set window_days = var('tags_category_window_days') %}
{%- set spend_weight = var('tags_category_spend_weight') %}

with

order_lines as (

    select * from {{ ref('int_commerce__order_lines') }}
    where oneid is not null
        and ordered_on <= {{ business_date() }}
        and {{ dbt.datediff('ordered_on', business_date(), 'day') }} < {{ window_days }}

),

behaviour_events as (

    select * from {{ ref('int_tags__behaviour_events') }}
    where behaviour = 'view_item'
        and occurred_on <= {{ business_date() }}
        and {{ dbt.datediff('occurred_on', business_date(), 'day') }} < {{ window_days }}

),

category_codes as (

    select * from {{ ref('tag_category_codes') }}

),

spend as (

    select
        order_lines.oneid,
        category_codes.category_code,
        sum(order_lines.net_amount) as net_spend
    from order_lines
    inner join category_codes on order_lines.category = category_codes.category_l1
    group by order_lines.oneid, category_codes.category_code

),

views as (

    select
        behaviour_events.oneid,
        category_codes.category_code,
        count(*) as item_views
    from behaviour_events
    inner join category_codes on behaviour_events.category = category_codes.category_l1
    group by behaviour_events.oneid, category_codes.category_code

),

combined as (

    select
        coalesce(spend.oneid, views.oneid) as oneid,
        coalesce(spend.category_code, views.category_code) as category_code,
        case when coalesce(spend.net_spend, 0) > 0 then spend.net_spend else 0 end as net_spend,
        coalesce(views.item_views, 0) as item_views
    from spend
    full outer join views
        on spend.oneid = views.oneid
        and spend.category_code = views.category_code

),

totals as (

    select
        combined.*,
        sum(net_spend) over (partition by oneid) as person_spend,
        sum(item_views) over (partition by oneid) as person_views
    from combined

),

shares as (

    select
        oneid,
        category_code,
        cast(net_spend as {{ type_amount() }}) as net_spend,
        item_views,
        case when person_spend > 0 then net_spend / person_spend end as spend_share,
        case when person_views > 0 then 1.0 * item_views / person_views end as view_share
    from totals

),

mixed as (

    select
        shares.*,
        case
            when spend_share is not null and view_share is not null
                then {{ spend_weight }} * spend_share + (1 - {{ spend_weight }}) * view_share
            else coalesce(spend_share, view_share)
        end as preference_share
    from shares

),

ranked as (

    select
        mixed.*,
        row_number() over (partition by oneid order by preference_share desc, category_code) as preference_rank
    from mixed
    where preference_share > 0

),

final as (

    select
        oneid,
        category_code,
        net_spend,
        item_views,
        cast(round(spend_share, 4) as decimal(18, 4)) as spend_share,
        cast(round(view_share, 4) as decimal(18, 4)) as view_share,
        cast(round(preference_share, 4) as decimal(18, 4)) as preference_share,
        preference_rank,
        preference_share >= {{ var('tags_category_user_min_share') }} as is_category_user
    from ranked

)

select * from final
