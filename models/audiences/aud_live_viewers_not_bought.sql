{#- 直播未成交: watched a brand's live stream in the App within 30 days (var
    audience_live_days) and bought nothing of that brand since. -#}

{{ app_event_without_purchase(['live_view'], var('audience_live_days')) }}
{{ stored_in_order_of('oneid') }}
