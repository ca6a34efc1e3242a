{#- Every OneID of the identity map has exactly one group-wide RFM segment
    (person_rfm) and exactly one row in person_tags. Returns the offenders. -#}

with

persons as (

    select distinct oneid from {{ ref('int_identifier_oneids') }}

),

segments as (

    select oneid, count(*) as segment_rows, count(rfm_segment) as segments
    from {{ ref('person_rfm') }}
    group by oneid

),

tag_rows as (

    select oneid, count(*) as tag_rows
    from {{ ref('person_tags') }}
    group by oneid

),

final as (

    select
        coalesce(persons.oneid, segments.oneid, tag_rows.oneid) as oneid,
        segments.segment_rows,
        segments.segments,
        tag_rows.tag_rows
    from persons
    full outer join segments on persons.oneid = segments.oneid
    full outer join tag_rows on coalesce(persons.oneid, segments.oneid) = tag_rows.oneid
    where persons.oneid is null
        or segments.segments is null
        or segments.segment_rows <> 1
        or segments.segments <> 1
        or tag_rows.tag_rows is null
        or tag_rows.tag_rows <> 1

)

select * from final
