"""Discovery: content, embeddings, search, exploration paths."""
