"""Frontier's benchmarks (``make bench``)."""
