with

quarantined_rows as (

    select * from {{ ref('stg_lake__quarantined_rows') }}

),

final as (

    select
        {{ generate_surrogate_key(['_load_date', 'source_name', 'reason_code']) }} as quarantine_reason_daily_id,
        _load_date as load_date,
        source_name,
        reason_code,
        count(*) as rows_quarantined,
        count(distinct _file_path) as files_affected

    from quarantined_rows
    group by _load_date, source_name, reason_code

)

select * from final
