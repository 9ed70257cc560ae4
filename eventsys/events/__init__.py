"""Events: the workshop itself, its agenda, staff and registration questions."""
