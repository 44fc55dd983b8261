"""Frontier: watch technology trends, plan what to explore, recognise what people build."""

__version__ = "0.1.0"
