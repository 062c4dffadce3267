"""capture engines (adapters conforming to core.protocols)."""
