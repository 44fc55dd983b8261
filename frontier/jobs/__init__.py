"""Frontier jobs."""
