{#- Every media backflow event with the OneID its hashed identifier
    belongs to. Platforms send digests of our own identifiers (phone MD5 or
    SHA-256; OAID, IDFA, IMEI MD5), matched against the digests
    int_identifiers keeps of each canonical value. A digest that several
    OneIDs share (a shared device) is ambiguous and matches nobody. -#}

with

backflow_events as (

    select * from {{ ref('stg_ads__backflow_events') }}

),

identifiers as (

    select identifier_key, id_type, md5_hex, sha256_hex from {{ ref('int_identifiers') }}
    where id_type in ('phone', 'oaid', 'idfa', 'imei')

),

identifier_oneids as (

    select identifier_key, oneid from {{ ref('int_identifier_oneids') }}

),

digests as (

    select
        {{ dbt.concat(['identifiers.id_type', "'_md5'"]) }} as digest_type,
        identifiers.md5_hex as digest,
        identifier_oneids.oneid
    from identifiers
    inner join identifier_oneids on identifiers.identifier_key = identifier_oneids.identifier_key
    where identifiers.md5_hex is not null

    union all

    select
        'phone_sha256' as digest_type,
        identifiers.sha256_hex as digest,
        identifier_oneids.oneid
    from identifiers
    inner join identifier_oneids on identifiers.identifier_key = identifier_oneids.identifier_key
    where identifiers.id_type = 'phone' and identifiers.sha256_hex is not null

),

digest_oneids as (

    select
        digest_type,
        digest,
        count(distinct oneid) as candidate_oneids,
        min(oneid) as oneid
    from digests
    group by digest_type, digest

),

final as (

    select
        backflow_events.backflow_event_id,
        backflow_events.platform,
        backflow_events.ad_campaign_id,
        backflow_events.creative_id,
        backflow_events.event_name,
        backflow_events.event_at,
        {{ cst_date('backflow_events.event_at') }} as event_on,
        backflow_events.id_type,
        case when digest_oneids.candidate_oneids = 1 then digest_oneids.oneid end as oneid,
        coalesce(digest_oneids.candidate_oneids, 0) > 1 as is_ambiguous,
        backflow_events.cost
    from backflow_events
    left join digest_oneids
        on backflow_events.id_type = digest_oneids.digest_type
        and backflow_events.id_value = digest_oneids.digest

)

select * from final
