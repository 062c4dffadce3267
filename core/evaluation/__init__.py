"""Answer evaluators: rubric coverage (offline default) and LLM (capable GGUF), plus the
quote verification both rely on. Pure logic: runtimes come in through core.protocols."""
