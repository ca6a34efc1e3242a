{{ config(enabled=false) }}  {#- drafted for issue 4 item 6; enabled once map_identifier_oneid reads it -#}
{#- Stable OneIDs: tonight's components inherit last night's OneIDs.
    - a component keeps the OneID of its old identifiers;
    - on a merge the oldest OneID survives;
    - on a split the part keeping the most of the old identifiers keeps the
      OneID and the other parts get new ones;
    - a brand-new component gets a new OneID, named from its earliest
      identifier and the business date (reproducible by replaying the nights). -#}
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
        {{ sha256_hex('components.identifier_key') }} as identifier_hash,
        components.component_id,
        identifiers.first_seen_at

    from components
    inner join identifiers on components.identifier_key = identifiers.identifier_key

),

inherited as (

    select
        tonight.component_id,
        last_night.oneid,
        min(last_night.oneid_created_on) as oneid_created_on,
        count(*) as identifiers_shared

    from tonight
    inner join last_night on tonight.identifier_hash = last_night.identifier_hash
    group by tonight.component_id, last_night.oneid

),

heir_ranked as (

    select
        *,
        row_number() over (
            partition by oneid order by identifiers_shared desc, component_id
        ) as heir_rank

    from inherited

),

keeper_ranked as (

    select
        *,
        row_number() over (
            partition by component_id order by oneid_created_on, oneid
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

component_oneids as (

    select
        founder_ranked.component_id,
        coalesce(
            keepers.oneid,
            'OID' || substr(
                {{ sha256_hex("founder_ranked.identifier_key || '|' || cast(" ~ business_date() ~ " as " ~ dbt.type_string() ~ ")") }},
                1,
                20
            )
        ) as oneid,
        coalesce(keepers.oneid_created_on, {{ business_date() }}) as oneid_created_on,
        keepers.oneid is not null as is_inherited

    from founder_ranked
    left join keepers on founder_ranked.component_id = keepers.component_id
    where founder_ranked.founder_rank = 1

),

final as (

    select
        tonight.identifier_key,
        tonight.identifier_hash,
        tonight.component_id,
        component_oneids.oneid,
        component_oneids.oneid_created_on,
        component_oneids.is_inherited,
        {{ business_date() }} as business_date

    from tonight
    inner join component_oneids on tonight.component_id = component_oneids.component_id

)

select * from final
