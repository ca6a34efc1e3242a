{#- The OneID of every staged record that asserts identity (an order, a POS
    receipt, an App event, a member or follower profile), keyed by
    (source_name, record_key) as int_identifier_observations names them:
    how facts reach a person.

    A record's identifiers normally share one OneID. When a guardrail cut
    them apart (a hub phone on an order, a cut link), the record belongs to
    the OneID of its account identifier (platform or member id) before its
    phone or device, then to the OneID most of its identifiers hold. Records
    whose identifiers are all rejected or cut as hubs have no OneID. -#}

with

observations as (

    select * from {{ ref('int_identifier_observations') }}
    where identifier_key is not null

),

identifier_oneids as (

    select identifier_key, oneid from {{ ref('int_identifier_oneids') }}

),

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

final as (

    select
        source_name,
        record_key,
        oneid,
        observed_at,
        candidate_oneids > 1 as is_split_record
    from ranked
    where vote_rank = 1

)

select * from final
