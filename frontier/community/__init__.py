"""Community: contributions, their impact and community leadership."""
