"""Content and units: learning material imported and split into session-sized units."""
