"""The headless interview runner: the live pipeline driven from files (``big20 replay``)."""
