-- Returns every identifier-normalization case that does not come out as the
-- contract and shared/reference/media-upload-formats.md say.
with

cases as (

    select 'phone' as kind, '13812345678' as raw_value, '13812345678' as expected, cast(null as {{ dbt.type_string() }}) as expected_rejection
    union all select 'phone', '+86 138 1234 5678', '13812345678', null
    union all select 'phone', '0086-138-1234-5678', '13812345678', null
    union all select 'phone', '86-13812345678', '13812345678', null
    union all select 'phone', '138-1234-5678', '13812345678', null
    union all select 'phone', '１３８１２３４５６７８', '13812345678', null
    union all select 'phone', '(+86) 138.1234.5678', '13812345678', null
    union all select 'phone', '138****5678', null, 'masked'
    union all select 'phone', '1.38123E+10', null, 'scientific_notation'
    union all select 'phone', '8613812345678', '13812345678', null
    union all select 'phone', '86138123456789', null, 'wrong_length'
    union all select 'phone', '1381234567', null, 'wrong_length'
    union all select 'phone', '12812345678', null, 'bad_prefix'
    union all select 'phone', '00000000000', null, 'bad_prefix'
    union all select 'phone', '14412345678901', null, 'wrong_length'
    union all select 'phone', 'null', null, 'not_digits'
    union all select 'phone', '无', null, 'not_digits'
    union all select 'phone', '   ', null, null
    union all select 'email', ' Li.Lei@Example.COM ', 'li.lei@example.com', null
    union all select 'email', 'l***@qq.com', null, 'masked'
    union all select 'email', 'not-an-email', null, 'bad_format'
    union all select 'idfa', '6d92078a-8246-4ba4-ae5b-76104861e7dc', '6D92078A-8246-4BA4-AE5B-76104861E7DC', null
    union all select 'idfa', '6d92078a82464ba4ae5b76104861e7dc', '6D92078A-8246-4BA4-AE5B-76104861E7DC', null
    union all select 'idfa', '00000000-0000-0000-0000-000000000000', null, 'all_zero'
    union all select 'idfa', 'xyz', null, 'bad_format'
    union all select 'oaid', 'A1B2C3D4E5F60718', 'a1b2c3d4e5f60718', null
    union all select 'imei', '86012345678901X', null, 'bad_format'
    union all select 'imei', '860123456789012', '860123456789012', null

),

computed as (

    select
        kind,
        raw_value,
        expected,
        expected_rejection,
        case kind
            when 'phone' then {{ normalize_cn_mobile('raw_value') }}
            when 'email' then {{ normalize_email('raw_value') }}
            when 'idfa' then {{ normalize_device_id('raw_value', 'idfa') }}
            when 'oaid' then {{ normalize_device_id('raw_value', 'oaid') }}
            when 'imei' then {{ normalize_device_id('raw_value', 'imei') }}
        end as normalized,
        case kind
            when 'phone' then {{ cn_mobile_rejection('raw_value') }}
            when 'email' then {{ email_rejection('raw_value') }}
            when 'idfa' then {{ device_id_rejection('raw_value', 'idfa') }}
            when 'oaid' then {{ device_id_rejection('raw_value', 'oaid') }}
            when 'imei' then {{ device_id_rejection('raw_value', 'imei') }}
        end as rejection
    from cases

)

select *
from computed
where coalesce(normalized, '<null>') <> coalesce(expected, '<null>')
   or coalesce(rejection, '<null>') <> coalesce(expected_rejection, '<null>')
