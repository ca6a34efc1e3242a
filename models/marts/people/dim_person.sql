{#- One row per OneID: the golden record as analysts see it. The name is
    masked (张**); phones and emails appear only as has_phone / has_email;
    the unmasked record stays in the restricted store
    (int_person_golden_record). Rules: docs/people.md. -#}

with

golden_records as (

    select * from {{ ref('int_person_golden_record') }}

),

final as (

    select
        oneid,
        {{ mask_person_name('person_name') }} as name_masked,
        gender,
        birthday,
        city,
        name_source,
        gender_source,
        birthday_source,
        city_source,
        primary_phone is not null as has_phone,
        primary_email is not null as has_email,
        unified_tier_code,
        unified_tier_label_zh,
        unified_tier_rank,
        unified_tier_programme,
        unified_tier_brand,
        unified_tier_source_name,
        total_points,
        is_member,
        is_group_member,
        is_brand_member,
        member_brands,
        is_dealer_member,
        dealer_codes,
        is_store_member,
        store_codes,
        membership_count,
        current_membership_count,
        unmapped_tier_memberships,
        member_since,
        first_seen_at,
        last_seen_at,
        record_count,
        sources,
        brands,
        identifier_count,
        phone_count,
        email_count,
        tmall_ouid_count,
        jd_pin_count,
        wechat_openid_count,
        wechat_unionid_count,
        app_user_id_count,
        crm_member_id_count,
        device_id_count
    from golden_records

)

select * from final
{{ stored_in_order_of('oneid') }}
