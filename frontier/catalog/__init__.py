"""The technology catalogue: technologies, their aliases and keys in each source."""
