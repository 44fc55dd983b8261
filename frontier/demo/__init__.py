"""Frontier demo."""
