"""The read-only web service (`lotto web`): routes, templates and static files over `lotto_models` queries."""
