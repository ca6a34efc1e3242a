{#- The identity-asserting records an incremental night re-derives
    (docs/incremental.md), keyed as int_identifier_observations keys them:

    - touched: tonight's loads delivered a row of the record (a new record,
      a new version of an order line or profile, a late event), or the shop
      or store name it carries resolves to another brand tonight;
    - moved: the record holds an identifier whose OneID tonight is not the
      one last night's state snapshot gave it (a merge, a split, a new hub),
      so its OneID may change though its rows did not.

    Every other record has the rows, identifiers and OneIDs it had last
    night, so the per-record tables keep its row. Empty on a full build,
    which derives every record. -#}

-- Read only on incremental nights:
-- depends_on: {{ ref('int_identifier_observations') }}, {{ ref('int_identifiers') }}
-- depends_on: {{ ref('int_identifier_oneids') }}, {{ ref('stg_state__oneid_assignments') }}
-- depends_on: {{ ref('int_brand_names') }}
{%- for source in identity_record_sources() %}
-- depends_on: {{ ref(source.model) }}
{%- endfor %}

with

{% if is_incremental_night() -%}
touched as (

    {{ touched_identity_records() }}

),

identifiers as (

    select identifier_key, identifier_hash from {{ ref('int_identifiers') }}

),

identifier_oneids as (

    select identifier_key, oneid from {{ ref('int_identifier_oneids') }}

),

last_night as (

    select identifier_hash, oneid from {{ ref('stg_state__oneid_assignments') }}

),

moved_identifiers as (

    select identifiers.identifier_key
    from identifiers
    left join identifier_oneids on identifiers.identifier_key = identifier_oneids.identifier_key
    left join last_night on identifiers.identifier_hash = last_night.identifier_hash
    where coalesce(identifier_oneids.oneid, '') <> coalesce(last_night.oneid, '')

),

moved as (

    select distinct observations.source_name, observations.record_key
    from {{ ref('int_identifier_observations') }} as observations
    inner join moved_identifiers on observations.identifier_key = moved_identifiers.identifier_key

),

final as (

    select source_name, record_key, max(is_touched) = 1 as is_touched
    from (
        select source_name, record_key, 1 as is_touched from touched
        union all
        select source_name, record_key, 0 as is_touched from moved
    ) as records
    group by source_name, record_key

)
{%- else -%}
final as (

    select
        cast(null as {{ dbt.type_string() }}) as source_name,
        cast(null as {{ dbt.type_string() }}) as record_key,
        cast(null as boolean) as is_touched
    from (select 1 as nothing) as no_rows
    where 1 = 0

)
{%- endif %}

select * from final
