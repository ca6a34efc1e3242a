{#- Cart abandoners: added an item of the brand to the App cart within the
    last var audience_cart_days days (7) and bought nothing of that
    brand, in any channel, since the first such add. -#}

{{ app_event_without_purchase(['add_to_cart'], var('audience_cart_days')) }}
{{ stored_in_order_of('oneid') }}
