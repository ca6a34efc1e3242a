{#- Every brand, shop or store name the deliveries carry (macro
    delivered_brand_names), and the one brand it resolves to (docs/identity.md,
    "Brands"). Names are compared on comparison_key (case, width and spaces
    aside). The first rule that applies:

    alias_seed      the seed identity_brand_aliases lists it: the seed wins;
    known_brand     it is a known brand: a brand of the seed, or a value that
                    a delivery's brand column carries (a brand the seed does
                    not list is a brand of its own, named by its key);
    contains_brand  a shop or store name that contains exactly one known
                    brand (`<品牌>官方旗舰店`, `<brand>京东自营旗舰店`,
                    `<品牌>专卖店`); one-character spellings are not
                    searched for, and a brand found only inside a longer
                    brand found in the same name does not count;
    shared_ouids    a Tmall shop whose buyers' ouids are Tmall members
                    (`tmall_members`, which carries the brand) of one brand:
                    at least var('identity_shop_ouid_min_share') of the
                    shared ouids.

    A name no rule resolves has no brand (`no_known_brand`, or
    `several_brands` with its candidates): it is reported
    (monitoring brand_name_resolution, a warning test), never made a brand
    or an identifier namespace of its own.

    Incremental (docs/incremental.md): resolved whole each night (a few
    hundred names); the slice holds the names that are new or whose brand,
    resolution or row count changed, with their brand before tonight. -#}

{{ config(materialized='keyed_incremental', unique_key=['name_as_delivered'], dedup='replace') }}

with

delivered as (

    {% for entry in delivered_brand_names() %}
    select
        '{{ entry.source }}' as source_name,
        {{ entry.column }} as name_as_delivered,
        {{ 'true' if entry.is_brand else 'false' }} as is_brand_value,
        count(*) as delivered_rows
    from {{ ref(entry.model) }}
    where {{ entry.column }} is not null
        {%- if entry.where %} and {{ entry.where }}{% endif %}
    group by {{ entry.column }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

names as (

    select
        name_as_delivered,
        {{ comparison_key('name_as_delivered') }} as name_key,
        max(case when is_brand_value then 1 else 0 end) = 1 as is_brand_value,
        {{ sorted_distinct_list('source_name') }} as source_names,
        sum(delivered_rows) as delivered_rows
    from delivered
    group by name_as_delivered

),

aliases as (

    select {{ comparison_key('alias') }} as alias_key, min(brand) as brand
    from {{ ref('identity_brand_aliases') }}
    group by {{ comparison_key('alias') }}

),

-- Every spelling of every known brand.
brand_terms as (

    select alias_key as term_key, brand from aliases
    union
    select {{ comparison_key('brand') }} as term_key, brand from {{ ref('identity_brand_aliases') }}
    union
    select names.name_key as term_key, coalesce(aliases.brand, names.name_key) as brand
    from names
    left join aliases on names.name_key = aliases.alias_key
    where names.is_brand_value

),

exact_terms as (

    select term_key, min(brand) as brand from brand_terms group by term_key

),

named as (

    select
        names.*,
        aliases.brand as alias_brand,
        exact_terms.brand as known_brand
    from names
    left join aliases on names.name_key = aliases.alias_key
    left join exact_terms on names.name_key = exact_terms.term_key

),

to_search as (

    select name_as_delivered, name_key from named
    where alias_brand is null and known_brand is null

),

contained as (

    select distinct
        to_search.name_as_delivered,
        brand_terms.term_key,
        brand_terms.brand
    from to_search
    inner join brand_terms
        on {{ dbt.position('brand_terms.term_key', 'to_search.name_key') }} > 0
    where {{ dbt.length('brand_terms.term_key') }} >= 2

),

-- A brand matched only inside a longer spelling of another brand matched in the same name.
shadowed as (

    select distinct
        contained.name_as_delivered,
        contained.term_key
    from contained
    inner join contained as longer
        on longer.name_as_delivered = contained.name_as_delivered
        and longer.brand <> contained.brand
        and longer.term_key <> contained.term_key
        and {{ dbt.position('contained.term_key', 'longer.term_key') }} > 0

),

outer_matches as (

    select contained.*
    from contained
    left join shadowed
        on contained.name_as_delivered = shadowed.name_as_delivered
        and contained.term_key = shadowed.term_key
    where shadowed.term_key is null

),

name_matches as (

    select
        name_as_delivered,
        count(distinct brand) as matched_brands,
        min(brand) as brand,
        {{ sorted_distinct_list('brand') }} as candidate_brands
    from outer_matches
    group by name_as_delivered

),

member_brands as (

    select members.ouid, exact_terms.brand
    from {{ ref('stg_tmall__members') }} as members
    inner join exact_terms on {{ comparison_key('members.brand') }} = exact_terms.term_key
    where members.ouid is not null

),

shop_buyers as (

    select distinct orders.shop_name, orders.buyer_ouid
    from {{ ref('stg_tmall__order_lines') }} as orders
    inner join to_search on orders.shop_name = to_search.name_as_delivered
    where orders.buyer_ouid is not null

),

ouid_votes as (

    select
        shop_buyers.shop_name as name_as_delivered,
        member_brands.brand,
        count(distinct shop_buyers.buyer_ouid) as shared_ouids
    from shop_buyers
    inner join member_brands on shop_buyers.buyer_ouid = member_brands.ouid
    group by shop_buyers.shop_name, member_brands.brand

),

ouid_winners as (

    select
        name_as_delivered,
        brand,
        shared_ouids,
        sum(shared_ouids) over (partition by name_as_delivered) as all_shared_ouids,
        row_number() over (partition by name_as_delivered order by shared_ouids desc, brand) as vote_rank
    from ouid_votes

),

by_ouids as (

    select name_as_delivered, brand
    from ouid_winners
    where vote_rank = 1
        and shared_ouids >= {{ var('identity_shop_ouid_min_share') }} * all_shared_ouids

),

resolved as (

    select
        named.name_as_delivered,
        named.name_key,
        named.source_names,
        named.is_brand_value,
        cast(named.delivered_rows as {{ dbt.type_bigint() }}) as delivered_rows,
        case
            when named.alias_brand is not null then named.alias_brand
            when named.known_brand is not null then named.known_brand
            when name_matches.matched_brands = 1 then name_matches.brand
            else by_ouids.brand
        end as brand,
        case
            when named.alias_brand is not null then 'alias_seed'
            when named.known_brand is not null then 'known_brand'
            when name_matches.matched_brands = 1 then 'contains_brand'
            when by_ouids.brand is not null then 'shared_ouids'
        end as resolved_by,
        case
            when named.alias_brand is not null or named.known_brand is not null then null
            when name_matches.matched_brands = 1 or by_ouids.brand is not null then null
            when name_matches.matched_brands > 1 then 'several_brands'
            else 'no_known_brand'
        end as unresolved_reason,
        case when name_matches.matched_brands > 1 then name_matches.candidate_brands end as candidate_brands
    from named
    left join name_matches on named.name_as_delivered = name_matches.name_as_delivered
    left join by_ouids on named.name_as_delivered = by_ouids.name_as_delivered

),

final as (

    {% if is_incremental() -%}
    {{ whole_table_changes('resolved', ['name_as_delivered'], ['brand', 'resolved_by', 'unresolved_reason', 'candidate_brands', 'source_names', 'delivered_rows'], previous=['brand']) }}
    {%- else -%}
    select * from resolved
    {%- endif %}

)

select * from final
