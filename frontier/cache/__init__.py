"""Frontier cache."""
