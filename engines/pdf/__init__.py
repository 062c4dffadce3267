"""pdf engines (adapters conforming to core.protocols)."""
