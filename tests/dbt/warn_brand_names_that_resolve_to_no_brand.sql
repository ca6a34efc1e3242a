{#- A warning, not an error: a shop or store name that resolves to no brand
    (or to several) loses the brand of its rows, and the night still
    publishes. Add the name to the seed identity_brand_aliases to resolve it
    (docs/identity.md, "Brands"). -#}
{{ config(severity='warn') }}

select name_as_delivered, source_names, unresolved_reason, candidate_brands, delivered_rows
from {{ ref('brand_name_resolution') }}
where not is_resolved
