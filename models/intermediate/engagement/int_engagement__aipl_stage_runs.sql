{#- The AIPL stage runs of every OneID x brand: one row per stretch of
    nights a stage held (valid_from inclusive, valid_to exclusive, null while
    it holds). Runs that ended more than var('tags_aipl_history_days') days
    ago are dropped. This is a night-to-night state table (pipeline/state.py,
    docs/tags.md "AIPL history"): a night reads the runs the previous
    published night left (stg_state__aipl_stage_runs), restates them under
    tonight's OneIDs and adds tonight, so its cost grows with people and
    stage changes, not with the number of nights kept.

    Restating. Each run carries an anchor: the keyed hash of one identifier
    of its OneID (the smallest). Tonight the anchor is looked up in
    int_identifier_oneids and the run moves to the OneID the anchor belongs
    to now: a merge brings both histories along, a split keeps the history
    on the side that holds the anchor, and a OneID whose anchor left the
    graph keeps its id. Where merged OneIDs held stages for the same brand
    on the same days, the higher stage holds: the runs are cut at every date
    where one of them starts or ends, each piece takes the highest stage
    that covers it, and adjacent pieces with the same stage join again.

    Tonight. The open run of a OneID x brand goes on if tonight's stage is
    the same; otherwise it ends tonight (valid_to = business date) and, if
    the person has a stage tonight, a new run starts tonight. A night that
    was not published leaves no trace: a stage holds from one published
    night to the next. -#}

{%- set open_end = "cast('9999-12-31' as date)" %}
{%- set tonight_on = "cast(" ~ business_date() ~ " as date)" %}
{%- set kept_since = dbt.dateadd('day', -1 * var('tags_aipl_history_days'), business_date()) %}

with

earlier_runs as (

    select * from {{ ref('stg_state__aipl_stage_runs') }}
    where valid_to is null or valid_to > {{ kept_since }}

),

tonight as (

    select oneid, brand, aipl_stage from {{ ref('int_engagement__aipl_stages') }}

),

identifier_oneids as (

    select identifier_hash, oneid from {{ ref('int_identifier_oneids') }}

),

tonights_anchors as (

    select oneid, min(identifier_hash) as anchor_identifier_hash
    from identifier_oneids
    group by oneid

),

restated as (

    select
        coalesce(identifier_oneids.oneid, earlier_runs.oneid) as oneid,
        earlier_runs.oneid as recorded_oneid,
        earlier_runs.brand,
        earlier_runs.aipl_stage,
        {{ aipl_stage_rank('earlier_runs.aipl_stage') }} as aipl_stage_rank,
        earlier_runs.valid_from,
        coalesce(earlier_runs.valid_to, {{ open_end }}) as valid_to,
        earlier_runs.anchor_identifier_hash
    from earlier_runs
    left join identifier_oneids
        on earlier_runs.anchor_identifier_hash = identifier_oneids.identifier_hash

),

-- Runs that came from one OneID are already one stage at a time (each
-- night writes them so); only the histories merged tonight are cut.
merge_flags as (

    select
        restated.*,
        min(recorded_oneid) over (partition by oneid, brand)
            <> max(recorded_oneid) over (partition by oneid, brand) as is_merged
    from restated

),

unmerged as (

    select oneid, brand, aipl_stage, valid_from, valid_to
    from merge_flags
    where not is_merged

),

merged as (

    select * from merge_flags
    where is_merged

),

-- The anchor of a OneID no longer in the graph: the one its runs carried.
kept_anchors as (

    select oneid, min(anchor_identifier_hash) as anchor_identifier_hash
    from restated
    group by oneid

),

cuts as (

    select oneid, brand, valid_from as cut_on from merged
    union
    select oneid, brand, valid_to as cut_on from merged

),

pieces as (

    select
        oneid,
        brand,
        cut_on as piece_from,
        lead(cut_on) over (partition by oneid, brand order by cut_on) as piece_to
    from cuts

),

covered_pieces as (

    select
        pieces.oneid,
        pieces.brand,
        pieces.piece_from,
        pieces.piece_to,
        merged.aipl_stage,
        row_number() over (
            partition by pieces.oneid, pieces.brand, pieces.piece_from
            order by merged.aipl_stage_rank desc
        ) as cover_rank
    from pieces
    inner join merged
        on pieces.oneid = merged.oneid
        and pieces.brand = merged.brand
        and merged.valid_from <= pieces.piece_from
        and pieces.piece_from < merged.valid_to
    where pieces.piece_to is not null

),

highest_pieces as (

    select
        oneid,
        brand,
        piece_from,
        piece_to,
        aipl_stage,
        case
            when lag(piece_to) over (partition by oneid, brand order by piece_from) = piece_from
                and lag(aipl_stage) over (partition by oneid, brand order by piece_from) = aipl_stage
                then 0
            else 1
        end as starts_run
    from covered_pieces
    where cover_rank = 1

),

numbered_pieces as (

    select
        highest_pieces.*,
        sum(starts_run) over (
            partition by oneid, brand
            order by piece_from
            rows between unbounded preceding and current row
        ) as run_number
    from highest_pieces

),

earlier_canonical as (

    select * from unmerged

    union all

    select
        oneid,
        brand,
        aipl_stage,
        min(piece_from) as valid_from,
        max(piece_to) as valid_to
    from numbered_pieces
    group by oneid, brand, aipl_stage, run_number

),

open_runs as (

    select * from earlier_canonical
    where valid_to = {{ open_end }}

),

ended_runs as (

    select * from earlier_canonical
    where valid_to < {{ open_end }}

),

continued_runs as (

    select
        open_runs.oneid,
        open_runs.brand,
        open_runs.aipl_stage,
        open_runs.valid_from,
        case
            when tonight.aipl_stage = open_runs.aipl_stage then {{ open_end }}
            else {{ tonight_on }}
        end as valid_to
    from open_runs
    left join tonight
        on open_runs.oneid = tonight.oneid
        and open_runs.brand = tonight.brand

),

started_runs as (

    select
        tonight.oneid,
        tonight.brand,
        tonight.aipl_stage,
        {{ tonight_on }} as valid_from,
        {{ open_end }} as valid_to
    from tonight
    left join open_runs
        on tonight.oneid = open_runs.oneid
        and tonight.brand = open_runs.brand
        and tonight.aipl_stage = open_runs.aipl_stage
    where open_runs.oneid is null

),

all_runs as (

    select oneid, brand, aipl_stage, valid_from, valid_to from ended_runs
    union all
    select oneid, brand, aipl_stage, valid_from, valid_to from continued_runs
    union all
    select oneid, brand, aipl_stage, valid_from, valid_to from started_runs

),

final as (

    select
        all_runs.oneid,
        all_runs.brand,
        all_runs.aipl_stage,
        cast({{ aipl_stage_rank('all_runs.aipl_stage') }} as {{ dbt.type_int() }}) as aipl_stage_rank,
        all_runs.valid_from,
        case when all_runs.valid_to < {{ open_end }} then all_runs.valid_to end as valid_to,
        coalesce(tonights_anchors.anchor_identifier_hash, kept_anchors.anchor_identifier_hash) as anchor_identifier_hash,
        {{ tonight_on }} as business_date
    from all_runs
    left join tonights_anchors on all_runs.oneid = tonights_anchors.oneid
    left join kept_anchors on all_runs.oneid = kept_anchors.oneid

)

select * from final
