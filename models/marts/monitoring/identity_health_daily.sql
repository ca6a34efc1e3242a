{#- Identity health, one row per date: how many identifiers and persons the
    graph held and what changed. Dates before the business date are rebuilt
    from tonight's graph (first-seen dates, OneID creation dates and the
    OneID change log carried from night to night); the graph's shape
    (component sizes, hubs and links cut, rejected values) is measured on
    the night itself and filled on the business date's row only. -#}

with

identifier_oneids as (

    select * from {{ ref('int_identifier_oneids') }}

),

changes as (

    select * from {{ ref('int_oneid_changes') }}

),

hubs as (

    select * from {{ ref('int_identity_hubs') }}

),

link_cuts as (

    select * from {{ ref('int_identity_link_cuts') }}

),

rejections as (

    select * from {{ ref('int_identifier_rejections') }}

),

identifiers_by_day as (

    select
        {{ cst_date('first_seen_at') }} as health_date,
        count(*) as identifiers_new
    from identifier_oneids
    group by {{ cst_date('first_seen_at') }}

),

oneids as (

    select
        oneid,
        min(first_seen_at) as first_seen_at,
        count(*) as component_size
    from identifier_oneids
    group by oneid

),

persons_by_day as (

    select
        {{ cst_date('first_seen_at') }} as health_date,
        count(*) as persons_new
    from oneids
    group by {{ cst_date('first_seen_at') }}

),

changes_by_day as (

    select
        changed_on as health_date,
        sum(case when change_kind = 'created' then 1 else 0 end) as oneids_created,
        sum(case when change_kind = 'merged' then 1 else 0 end) as oneids_merged,
        sum(case when change_kind = 'split' then 1 else 0 end) as oneids_split,
        sum(case when change_kind not in ('created', 'merged', 'split') then 1 else 0 end) as oneids_other_changes,
        count(*) as oneid_changes
    from changes
    group by changed_on

),

dates as (

    select health_date from identifiers_by_day
    union
    select health_date from persons_by_day
    union
    select health_date from changes_by_day
    union
    select {{ business_date() }} as health_date

),

tonight as (

    select
        {{ business_date() }} as health_date,
        (select count(*) from oneids where component_size = 1) as singleton_persons,
        (select max(component_size) from oneids) as max_component_size,
        (select avg(cast(component_size as {{ type_ratio() }})) from oneids) as mean_component_size,
        (select count(*) from hubs) as hubs_cut,
        (select count(*) from link_cuts) as links_cut,
        (select coalesce(sum(record_count), 0) from rejections) as identifier_values_rejected

),

daily as (

    select
        dates.health_date,
        coalesce(identifiers_by_day.identifiers_new, 0) as identifiers_new,
        coalesce(persons_by_day.persons_new, 0) as persons_new,
        coalesce(changes_by_day.oneids_created, 0) as oneids_created,
        coalesce(changes_by_day.oneids_merged, 0) as oneids_merged,
        coalesce(changes_by_day.oneids_split, 0) as oneids_split,
        coalesce(changes_by_day.oneids_other_changes, 0) as oneids_other_changes,
        coalesce(changes_by_day.oneid_changes, 0) as oneid_changes
    from dates
    left join identifiers_by_day on dates.health_date = identifiers_by_day.health_date
    left join persons_by_day on dates.health_date = persons_by_day.health_date
    left join changes_by_day on dates.health_date = changes_by_day.health_date
    where dates.health_date <= {{ business_date() }}

),

final as (

    select
        daily.health_date,
        daily.health_date = {{ business_date() }} as is_business_date,
        daily.identifiers_new,
        sum(daily.identifiers_new) over (order by daily.health_date rows between unbounded preceding and current row) as identifiers_total,
        daily.persons_new,
        sum(daily.persons_new) over (order by daily.health_date rows between unbounded preceding and current row) as persons_total,
        daily.oneid_changes,
        daily.oneids_created,
        daily.oneids_merged,
        daily.oneids_split,
        daily.oneids_other_changes,
        tonight.singleton_persons,
        tonight.max_component_size,
        tonight.mean_component_size,
        tonight.hubs_cut,
        tonight.links_cut,
        tonight.identifier_values_rejected
    from daily
    left join tonight on daily.health_date = tonight.health_date

)

select * from final
