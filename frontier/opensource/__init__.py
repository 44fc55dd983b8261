"""Open source: tracked projects, their health and people's contributions to them."""
