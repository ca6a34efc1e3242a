{#- Appliance needs (家电需求分群) of every person who bought a major
    appliance (seed tag_major_appliances), as of the business date
    (docs/tags.md, "Groups"):
      new-home bundle (新装套购): at least var tags_new_home_min_appliances
        different major appliance subcategories bought within
        var tags_new_home_window_days days of each other;
      upgrade (设施升级): in the last var tags_upgrade_window_days days,
        after buying a major appliance, viewed, favourited, carted or bought
        one of the same subcategory listed (or paid) at least
        var tags_upgrade_price_ratio times the unit price paid;
      replacement (换新): holds a major appliance bought longer ago than its
        typical life. Only purchases the order sources delivered count. -#}

{%- set bundle_window = var('tags_new_home_window_days') %}
{%- set upgrade_window = var('tags_upgrade_window_days') %}
{%- set price_ratio = var('tags_upgrade_price_ratio') %}

with

order_lines as (

    select * from {{ ref('int_commerce__order_lines') }}
    where oneid is not null
        and is_valid_purchase
        and ordered_on <= {{ business_date() }}

),

behaviour_events as (

    select * from {{ ref('int_tags__behaviour_events') }}
    where behaviour in ('view_item', 'favorite', 'add_to_cart')
        and occurred_on <= {{ business_date() }}
        and {{ dbt.datediff('occurred_on', business_date(), 'day') }} < {{ upgrade_window }}

),

products as (

    select * from {{ ref('stg_catalog__products') }}

),

major_appliances as (

    select * from {{ ref('tag_major_appliances') }}

),

appliance_purchases as (

    select
        order_lines.order_line_key,
        order_lines.oneid,
        order_lines.subcategory,
        order_lines.ordered_on,
        (order_lines.paid_amount - order_lines.refunded_amount)
            / case when order_lines.quantity > 0 then order_lines.quantity else 1 end as unit_price,
        major_appliances.typical_life_days,
        {{ dbt.datediff('order_lines.ordered_on', business_date(), 'day') }} as age_days
    from order_lines
    inner join major_appliances on order_lines.subcategory = major_appliances.category_l2

),

bundle_starts as (

    select
        starts.order_line_key,
        starts.oneid,
        count(distinct later.subcategory) as subcategories_in_window
    from appliance_purchases as starts
    inner join appliance_purchases as later
        on starts.oneid = later.oneid
        and later.ordered_on >= starts.ordered_on
        and {{ dbt.datediff('starts.ordered_on', 'later.ordered_on', 'day') }} < {{ bundle_window }}
    group by starts.order_line_key, starts.oneid

),

bundles as (

    select oneid, max(subcategories_in_window) as bundle_appliances
    from bundle_starts
    group by oneid

),

interest as (

    select
        behaviour_events.oneid,
        products.category_l2 as subcategory,
        behaviour_events.occurred_on,
        products.list_price as price
    from behaviour_events
    inner join products on behaviour_events.sku = products.sku

    union all

    select oneid, subcategory, ordered_on as occurred_on, unit_price as price
    from appliance_purchases
    where {{ dbt.datediff('ordered_on', business_date(), 'day') }} < {{ upgrade_window }}

),

upgrades as (

    select distinct appliance_purchases.oneid
    from appliance_purchases
    inner join interest
        on appliance_purchases.oneid = interest.oneid
        and appliance_purchases.subcategory = interest.subcategory
        and interest.occurred_on > appliance_purchases.ordered_on
        and interest.price >= {{ price_ratio }} * appliance_purchases.unit_price

),

owners as (

    select
        oneid,
        count(distinct subcategory) as major_appliances_bought,
        max(case when age_days > typical_life_days then 1 else 0 end) as has_aged_appliance,
        max(age_days) as oldest_appliance_age_days
    from appliance_purchases
    group by oneid

),

final as (

    select
        owners.oneid,
        owners.major_appliances_bought,
        owners.oldest_appliance_age_days,
        coalesce(bundles.bundle_appliances, 0) as bundle_appliances,
        coalesce(bundles.bundle_appliances, 0) >= {{ var('tags_new_home_min_appliances') }} as is_new_home_bundle,
        upgrades.oneid is not null as is_upgrade_need,
        owners.has_aged_appliance = 1 as is_replacement_need
    from owners
    left join bundles on owners.oneid = bundles.oneid
    left join upgrades on owners.oneid = upgrades.oneid

)

select * from final
