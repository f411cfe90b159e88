"""Semantic search over a project's units (BM25 + code encoder)."""
