"""embed engines (adapters conforming to core.protocols)."""
