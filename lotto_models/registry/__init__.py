"""Registry: version records, the artifact store, recovery, the promotion gate and swap, review and rollback."""
