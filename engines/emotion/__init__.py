"""emotion engines (adapters conforming to core.protocols)."""
