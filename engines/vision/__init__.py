"""vision engines (adapters conforming to core.protocols)."""
