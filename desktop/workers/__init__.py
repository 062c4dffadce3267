"""QThread-based workers that run engines and one-shot jobs off the UI thread."""
