"""Benchmarks: each runs against the real app (gunicorn on loopback) and prints JSON last."""
