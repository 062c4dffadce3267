"""stt engines (adapters conforming to core.protocols)."""
