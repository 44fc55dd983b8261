"""Frontier db."""
