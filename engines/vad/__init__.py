"""vad engines (adapters conforming to core.protocols)."""
