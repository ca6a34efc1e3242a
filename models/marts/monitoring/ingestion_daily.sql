with

delivered_files as (

    select * from {{ ref('stg_lake__delivered_files') }}

),

per_source_and_night as (

    select
        load_date,
        source_name,
        count(*) as files_seen,
        sum(case when file_status = 'loaded' then 1 else 0 end) as files_loaded,
        sum(case when file_status = 'empty' then 1 else 0 end) as files_empty,
        sum(case when file_status = 'rejected' then 1 else 0 end) as files_rejected,
        sum(case when file_status = 'duplicate' then 1 else 0 end) as files_duplicate,
        sum(file_bytes) as bytes_seen,
        sum(rows_read) as rows_read,
        sum(rows_landed) as rows_landed,
        sum(rows_quarantined) as rows_quarantined,
        min(delivery_date) as oldest_delivery_date,
        max(delivery_date) as newest_delivery_date,
        sum(case when delivery_date < load_date then 1 else 0 end) as files_late

    from delivered_files
    group by load_date, source_name

),

final as (

    select
        {{ generate_surrogate_key(['load_date', 'source_name']) }} as ingestion_daily_id,
        load_date,
        source_name,
        files_seen,
        files_loaded,
        files_empty,
        files_rejected,
        files_duplicate,
        files_late,
        bytes_seen,
        rows_read,
        rows_landed,
        rows_quarantined,
        case when rows_read > 0 then cast(rows_quarantined as double) / rows_read else 0 end as quarantine_rate,
        rows_read = rows_landed + rows_quarantined as is_reconciled,
        oldest_delivery_date,
        newest_delivery_date

    from per_source_and_night

)

select * from final
