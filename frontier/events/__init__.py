"""Events: technology conferences and people's participation in them."""
