"""Models: the AI model registry, per-request performance and drift."""
