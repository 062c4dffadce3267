"""tts engines (adapters conforming to core.protocols)."""
