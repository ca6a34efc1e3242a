{#- The golden record, one row per OneID (every OneID of
    int_identifier_oneids), unmasked: name, primary phone and email for
    exports and `oneid explain`; restricted store only. dim_person publishes
    it masked. Rules: docs/people.md. -#}

with

people as (

    select distinct oneid from {{ ref('int_identifier_oneids') }}

),

identifiers as (

    select * from {{ ref('int_person_identifiers') }}

),

attributes as (

    select * from {{ ref('int_person_attributes') }}

),

programmes as (

    select * from {{ ref('int_person_programmes') }}

),

records as (

    select * from {{ ref('int_person_records') }}

),

tier_scale as (

    select * from {{ ref('group_tier_scale') }}

),

final as (

    select
        people.oneid,

        ---------- golden attributes
        attributes.person_name,
        attributes.gender,
        attributes.birthday,
        attributes.city,
        attributes.name_source,
        attributes.gender_source,
        attributes.birthday_source,
        attributes.city_source,
        coalesce(attributes.rejected_birthdays, 0) as rejected_birthdays,
        identifiers.primary_phone,
        identifiers.primary_email,

        ---------- tier, points, member classes
        coalesce(programmes.unified_tier_code, 'none') as unified_tier_code,
        tier_scale.group_tier_label_zh as unified_tier_label_zh,
        coalesce(programmes.unified_tier_rank, 0) as unified_tier_rank,
        programmes.unified_tier_programme,
        programmes.unified_tier_brand,
        programmes.unified_tier_source_name,
        coalesce(programmes.total_points, 0) as total_points,
        coalesce(programmes.is_member, false) as is_member,
        coalesce(programmes.is_group_member, false) as is_group_member,
        coalesce(programmes.is_brand_member, false) as is_brand_member,
        programmes.member_brands,
        coalesce(programmes.is_dealer_member, false) as is_dealer_member,
        programmes.dealer_codes,
        coalesce(programmes.is_store_member, false) as is_store_member,
        programmes.store_codes,
        coalesce(programmes.membership_count, 0) as membership_count,
        coalesce(programmes.current_membership_count, 0) as current_membership_count,
        coalesce(programmes.unmapped_tier_memberships, 0) as unmapped_tier_memberships,
        programmes.member_since,

        ---------- footprint
        identifiers.first_seen_at,
        identifiers.last_seen_at,
        coalesce(records.record_count, 0) as record_count,
        records.sources,
        records.brands,
        identifiers.identifier_count,
        identifiers.phone_count,
        identifiers.email_count,
        identifiers.tmall_ouid_count,
        identifiers.jd_pin_count,
        identifiers.wechat_openid_count,
        identifiers.wechat_unionid_count,
        identifiers.app_user_id_count,
        identifiers.crm_member_id_count,
        identifiers.device_id_count
    from people
    inner join identifiers on people.oneid = identifiers.oneid
    left join attributes on people.oneid = attributes.oneid
    left join programmes on people.oneid = programmes.oneid
    left join records on people.oneid = records.oneid
    left join tier_scale on coalesce(programmes.unified_tier_code, 'none') = tier_scale.group_tier_code

)

select * from final
