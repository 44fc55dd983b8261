"""Trends: observations, scores and statuses, forecasts, alerts and follows."""
