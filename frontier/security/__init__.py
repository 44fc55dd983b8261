"""Security infrastructure: secrets, rate limits, client addresses."""
