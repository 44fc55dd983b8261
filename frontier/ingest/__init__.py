"""Ingestion: external data sources, sync jobs and connectors."""
