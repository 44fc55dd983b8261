"""Trends: technology catalogue, observations, scores, forecasts, alerts."""
