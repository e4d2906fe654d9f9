"""``mac.config``: configuration objects."""
