{#- The OneID of every staged record that asserts identity (an order, a POS
    receipt, an App event, a member or follower profile), keyed by
    (source_name, record_key) as int_identifier_observations names them:
    how facts reach a person.

    A record's identifiers normally share one OneID. When a guardrail cut
    them apart (a hub phone on an order, a cut link), the record belongs to
    the OneID of its account identifier (platform or member id) before its
    phone or device, then to the OneID most of its identifiers hold. Records
    whose identifiers are all rejected or cut as hubs have no OneID.

    Incremental (docs/incremental.md): a night votes again only for the
    records of int_identity_reconsidered_records; every other record's
    identifiers, and so its vote, are as they were. A reconsidered record
    that no longer has a OneID leaves a tombstone. The night's slice carries
    each re-voted record's OneID before tonight (`_previous_oneid`). -#}

{{ config(materialized='keyed_incremental', unique_key=['source_name', 'record_key'], dedup='replace') }}
-- depends_on: {{ ref('int_identity_reconsidered_records') }}

with

identifier_oneids as (

    select identifier_key, oneid from {{ ref('int_identifier_oneids') }}

),

{% if is_incremental() -%}
reconsidered as (

    select source_name, record_key from {{ ref('int_identity_reconsidered_records') }}

),

observations as (

    select observations.*
    from {{ ref('int_identifier_observations') }} as observations
    inner join reconsidered
        on observations.source_name = reconsidered.source_name
        and observations.record_key = reconsidered.record_key
    where observations.identifier_key is not null

),
{%- else -%}
observations as (

    select * from {{ ref('int_identifier_observations') }}
    where identifier_key is not null

),
{%- endif %}

record_votes as (

    select
        observations.source_name,
        observations.record_key,
        identifier_oneids.oneid,
        max(case
            when observations.id_type in ('phone', 'email', 'oaid', 'idfa', 'imei') then 0
            else 1
        end) as has_account_identifier,
        count(distinct observations.identifier_key) as identifier_count,
        min(observations.observed_at) as observed_at
    from observations
    inner join identifier_oneids on observations.identifier_key = identifier_oneids.identifier_key
    group by observations.source_name, observations.record_key, identifier_oneids.oneid

),

ranked as (

    select
        record_votes.*,
        count(*) over (partition by source_name, record_key) as candidate_oneids,
        row_number() over (
            partition by source_name, record_key
            order by has_account_identifier desc, identifier_count desc, oneid
        ) as vote_rank
    from record_votes

),

voted as (

    select
        source_name,
        record_key,
        oneid,
        observed_at,
        candidate_oneids > 1 as is_split_record
    from ranked
    where vote_rank = 1

),

-- A reconsidered record without a OneID any more leaves a tombstone.
revoted as (

    {{ with_tombstones('voted', 'reconsidered', ['source_name', 'record_key']) }}

),

final as (

    {% if is_incremental() -%}
    -- The OneID each re-voted record had before tonight: the people whose
    -- facts a night re-derives are the old and the new OneIDs of its slice.
    select
        revoted.*,
        last_night.oneid as _previous_oneid
    from revoted
    left join {{ this }} as last_night
        on revoted.source_name = last_night.source_name
        and revoted.record_key = last_night.record_key
    {%- else -%}
    select * from revoted
    {%- endif %}

)

select * from final
