{#- RFM per person, for the whole group (scope `group`) and per brand
    (scope = the brand code), as of the business date (docs/tags.md, "RFM"):

    R: days from the last valid purchase (China date) to the business date;
    F: valid orders placed in the window (var tags_rfm_window_days, the
       business date and the days before it);
    M: net amount of every order in the window (paid - refunded - returned;
       unpaid and cancelled orders carry no money).

    Buyers (F >= 1) are scored 1-5 per scope: score = floor(5 * (rank - 1) / n) + 1
    where rank orders the buyers from worst to best (longest recency, fewest
    orders, least money) and ties share the rank of their first position, so
    equal values always get the same score whatever the row order. Each of
    R, F, M is high when it is at least as good as the scope's buyer mean
    (recency <= mean, frequency >= mean, monetary >= mean); the three give
    the eight classic segments. People without a valid purchase in the window
    are `non_buyer`. The group scope lists every person, a brand scope every
    person with an order of that brand. The orders' recency, frequency and
    money come from int_tags__person_activity, kept incrementally; the
    scores rank every scope's buyers every night. -#}

with

persons as (

    select * from {{ ref('int_tags__persons') }}

),

activity as (

    select * from {{ ref('int_tags__person_activity') }}
    where order_count > 0

),

scope_members as (

    select 'group' as scope, oneid from persons
    union all
    select scope, oneid from activity
    where scope <> 'group'

),

measured as (

    select
        scope_members.scope,
        scope_members.oneid,
        activity.last_purchase_on,
        {{ dbt.datediff('activity.last_purchase_on', business_date(), 'day') }} as recency_days,
        coalesce(activity.rfm_frequency, 0) as frequency,
        cast(coalesce(activity.rfm_monetary, 0) as {{ type_amount() }}) as monetary,
        coalesce(activity.rfm_frequency, 0) > 0 as is_buyer
    from scope_members
    left join activity
        on scope_members.scope = activity.scope
        and scope_members.oneid = activity.oneid

),

ranked as (

    select
        measured.*,
        count(*) over (partition by scope) as buyers,
        rank() over (partition by scope order by recency_days desc) as recency_rank,
        rank() over (partition by scope order by frequency) as frequency_rank,
        rank() over (partition by scope order by monetary) as monetary_rank,
        avg(recency_days) over (partition by scope) as mean_recency_days,
        avg(frequency) over (partition by scope) as mean_frequency,
        avg(monetary) over (partition by scope) as mean_monetary
    from measured
    where is_buyer

),

scored as (

    select
        scope,
        oneid,
        cast(floor(5.0 * (recency_rank - 1) / buyers) + 1 as {{ dbt.type_int() }}) as r_score,
        cast(floor(5.0 * (frequency_rank - 1) / buyers) + 1 as {{ dbt.type_int() }}) as f_score,
        cast(floor(5.0 * (monetary_rank - 1) / buyers) + 1 as {{ dbt.type_int() }}) as m_score,
        recency_days <= mean_recency_days as is_r_high,
        frequency >= mean_frequency as is_f_high,
        monetary >= mean_monetary as is_m_high
    from ranked

),

final as (

    select
        measured.scope,
        measured.oneid,
        measured.last_purchase_on,
        measured.recency_days,
        measured.frequency,
        measured.monetary,
        measured.is_buyer,
        scored.r_score,
        scored.f_score,
        scored.m_score,
        scored.is_r_high,
        scored.is_f_high,
        scored.is_m_high,
        case
            when not measured.is_buyer then 'non_buyer'
            when scored.is_m_high and scored.is_r_high and scored.is_f_high then 'important_value'
            when scored.is_m_high and scored.is_f_high then 'important_retain'
            when scored.is_m_high and scored.is_r_high then 'important_develop'
            when scored.is_m_high then 'important_winback'
            when scored.is_r_high and scored.is_f_high then 'general_value'
            when scored.is_f_high then 'general_retain'
            when scored.is_r_high then 'general_develop'
            else 'general_winback'
        end as rfm_segment
    from measured
    left join scored
        on measured.scope = scored.scope
        and measured.oneid = scored.oneid

)

select * from final
