{#- Cart abandoners of the last 7 days: added an item of the brand to the App
    cart within 7 days (var audience_cart_days) and bought nothing of that
    brand, in any channel, since the first such add. -#}

{{ app_event_without_purchase(['add_to_cart'], var('audience_cart_days', 7)) }}
{{ stored_in_order_of('oneid') }}
