with

source as (

    select * from {{ source('lake', 'quarantined_rows') }}
    -- As of the business date: a rerun of an older night sees what that night saw.
    where _load_date <= {{ business_date() }}

),

renamed as (

    select

        ---------- ids
        {{ clean_text('source') }} as source_name,

        ---------- why the row was quarantined
        {{ clean_text('reason_code') }} as reason_code,
        reason_detail,
        raw_text,

        ---------- lineage
        {{ stage_lineage_columns() }}

    from source

),

final as (

    select
        {{ generate_surrogate_key(['_load_id', '_file_path', '_file_line', 'reason_code']) }} as quarantined_row_id,
        source_name,
        reason_code,
        reason_detail,
        raw_text,
        {{ select_lineage_columns() }}

    from renamed

)

select * from final
