"""Delivery: each public plan's guess and its hits sent to the players' destinations (LOTTO_PUBLISH_URLS), once
each as far as a plain send allows, with a ledger in the store (`storage.delivery_ledger`)."""
