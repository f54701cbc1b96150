"""The regkg knowledge graph: model, loading, validation and queries."""
