"""Paths and picks: exploration plans within a time budget, progress, and context-aware picks."""
