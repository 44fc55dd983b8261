"""Discovery: content and units, embeddings, search, exploration paths and picks (one sub-package each)."""
