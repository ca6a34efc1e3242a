{#- Stable OneIDs: tonight's components inherit last night's OneIDs
    (stg_state__oneid_assignments, by keyed identifier hash).
    - every old OneID has one heir: the component holding most of its old
      identifiers (then the one seen first);
    - a component heir to several OneIDs (a merge) keeps the oldest: created
      first, then seen first; the others are merged into it;
    - a component heir to none (brand new, or the smaller part of a split)
      gets a new OneID: `OID` and 20 ModHex letters of the keyed hash of its
      earliest-seen identifier and the business date, so that it differs from
      every OneID before it and replaying the nights from the same state
      gives the same OneIDs. -#}

with

components as (

    select * from {{ ref('int_identity_components') }}

),

identifiers as (

    select * from {{ ref('int_identifiers') }}

),

last_night as (

    select * from {{ ref('stg_state__oneid_assignments') }}

),

tonight as (

    select
        components.identifier_key,
        identifiers.identifier_hash,
        components.component_id,
        identifiers.first_seen_at,
        last_night.oneid as previous_oneid,
        last_night.oneid_created_on as previous_oneid_created_on

    from components
    inner join identifiers on components.identifier_key = identifiers.identifier_key
    left join last_night on identifiers.identifier_hash = last_night.identifier_hash

),

inherited as (

    select
        component_id,
        previous_oneid as oneid,
        min(previous_oneid_created_on) as oneid_created_on,
        min(first_seen_at) as oneid_first_seen_at,
        min(identifier_key) as smallest_identifier_key,
        count(*) as identifiers_shared

    from tonight
    where previous_oneid is not null
    group by component_id, previous_oneid

),

heir_ranked as (

    select
        inherited.*,
        row_number() over (
            partition by oneid
            order by identifiers_shared desc, oneid_first_seen_at, smallest_identifier_key
        ) as heir_rank

    from inherited

),

keeper_ranked as (

    select
        heir_ranked.*,
        row_number() over (
            partition by component_id
            order by oneid_created_on, oneid_first_seen_at, oneid
        ) as keeper_rank

    from heir_ranked
    where heir_rank = 1

),

keepers as (

    select component_id, oneid, oneid_created_on
    from keeper_ranked
    where keeper_rank = 1

),

founder_ranked as (

    select
        component_id,
        identifier_key,
        row_number() over (
            partition by component_id order by first_seen_at, identifier_key
        ) as founder_rank

    from tonight

),

founders as (

    select
        component_id,
        {{ keyed_hash(dbt.concat(["identifier_key", "'|'", dbt.cast(business_date(), dbt.type_string())])) }} as founder_hash

    from founder_ranked
    where founder_rank = 1

),

component_oneids as (

    select
        founders.component_id,
        coalesce(keepers.oneid, 'OID' || upper(substr(founders.founder_hash, 1, 20))) as oneid,
        coalesce(keepers.oneid_created_on, {{ business_date() }}) as oneid_created_on,
        keepers.oneid is not null as is_inherited

    from founders
    left join keepers on founders.component_id = keepers.component_id

),

final as (

    select
        tonight.identifier_key,
        tonight.identifier_hash,
        tonight.component_id,
        component_oneids.oneid,
        component_oneids.oneid_created_on,
        component_oneids.is_inherited,
        tonight.previous_oneid,
        {{ business_date() }} as business_date

    from tonight
    inner join component_oneids on tonight.component_id = component_oneids.component_id

)

select * from final
