"""Engine adapters, one sub-package per capability. Heavy runtimes import lazily, inside."""
