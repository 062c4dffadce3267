"""The interview report: built from per-answer records (:mod:`.builder`), stored
(:mod:`.store`) and exported to HTML and PDF (:mod:`.export`)."""
