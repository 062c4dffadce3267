"""Big20 AI Interview domain layer.

Headless by contract (see the import-linter contracts in pyproject.toml): no Qt, no network
client, no model runtime is imported anywhere under ``core``.
"""

__version__ = "0.1.0"
