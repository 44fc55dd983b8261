"""Frontier api."""
