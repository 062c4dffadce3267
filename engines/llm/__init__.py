"""llm engines (adapters conforming to core.protocols)."""
