"""Search: hybrid semantic + keyword search over content, with query reading and a relevance floor."""
