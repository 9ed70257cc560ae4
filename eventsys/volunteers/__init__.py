"""The shared volunteer registry: one record per person, reused across events."""
