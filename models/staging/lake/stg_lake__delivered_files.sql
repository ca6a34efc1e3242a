with

source as (

    select * from {{ source('lake', 'delivered_files') }}
    -- As of the business date: a rerun of an older night sees what that night saw.
    where load_date <= {{ business_date() }}

),

renamed as (

    select

        ---------- ids
        {{ clean_text('load_id') }} as load_id,
        {{ clean_text('file_path') }} as file_path,
        {{ clean_text('source') }} as source_name,
        lower({{ clean_text('file_sha256') }}) as file_sha256,
        {{ clean_text('duplicate_of') }} as duplicate_of_file_path,

        ---------- outcome
        {{ clean_text('status') }} as file_status,
        {{ clean_text('rejection_code') }} as rejection_code,
        message,
        {{ clean_text('encoding') }} as encoding,
        {{ clean_text('extra_columns') }} as extra_columns,

        ---------- numerics
        cast(file_bytes as {{ dbt.type_bigint() }}) as file_bytes,
        cast(rows_read as {{ dbt.type_bigint() }}) as rows_read,
        cast(rows_landed as {{ dbt.type_bigint() }}) as rows_landed,
        cast(rows_quarantined as {{ dbt.type_bigint() }}) as rows_quarantined,

        ---------- dates and timestamps (UTC)
        cast(delivery_date as date) as delivery_date,
        cast(load_date as date) as load_date,
        {{ to_utc_timestamp('loaded_at') }} as loaded_at

    from source

),

final as (

    select
        {{ generate_surrogate_key(['load_id', 'file_path']) }} as delivered_file_id,
        load_id,
        file_path,
        source_name,
        delivery_date,
        file_sha256,
        file_bytes,
        encoding,
        file_status,
        rejection_code,
        message,
        rows_read,
        rows_landed,
        rows_quarantined,
        extra_columns,
        duplicate_of_file_path,
        load_date,
        loaded_at

    from renamed

)

select * from final
