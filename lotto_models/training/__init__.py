"""Training: the use cases over the workspace — shared datasets, training a challenger, the promotion gate and
the swap, review and rollback. The stores they compose are in `registry` and `storage`."""
