{#- Every guide-tag event with the person its identifier names
    (int_record_oneids: guide_tags are an identity source, so a member id
    no member holds yet is a person of its own until the CRM delivers it)
    and its verdict. Catalog reasons come first (int_guides__tag_events);
    then the person:

    no_person             the identifier is unusable (a malformed phone, an
                          openid without appid) or a hub in quarantine
    other_brand_customer  the person is a customer of other brands (an
                          order, App event or membership of theirs, a member
                          id or follower of theirs) and not of the event's
                          brand: a guide tagging someone who is not theirs

    A person known to no brand (new, or only through the group App or JD)
    is kept: the tag is often the first thing a brand learns. -#}

with

events as (

    select * from {{ ref('int_guides__tag_events') }}

),

records as (

    select record_key, oneid from {{ ref('int_record_oneids') }}
    where source_name = 'guide_tags'

),

brand_activity as (

    select oneid, scope as brand from {{ ref('int_tags__lifecycle') }}
    where scope <> 'group'

),

brand_relationships as (

    select oneid, brand from {{ ref('int_activation__person_brands') }}

),

person_brands as (

    select oneid, brand from brand_activity
    union
    select oneid, brand from brand_relationships

),

customers as (

    select distinct oneid from person_brands

),

located as (

    select
        events.*,
        records.oneid,
        customers.oneid is not null as is_any_brands_customer,
        person_brands.oneid is not null as is_brand_customer
    from events
    left join records on events.tag_event_id = records.record_key
    left join customers on records.oneid = customers.oneid
    left join person_brands
        on records.oneid = person_brands.oneid
        and events.brand = person_brands.brand

),

final as (

    select
        tag_event_id,
        oneid,
        brand,
        guide_id,
        store_code,
        id_type,
        tag_code,
        tag_value,
        tag_action,
        is_clear,
        tagged_at,
        coalesce(
            rejection,
            case
                when oneid is null then 'no_person'
                when is_any_brands_customer and not is_brand_customer then 'other_brand_customer'
            end
        ) as rejection,
        _file_path,
        _file_line,
        _load_id
    from located

)

select * from final
