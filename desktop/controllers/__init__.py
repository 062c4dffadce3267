"""Controllers own behaviour; views (desktop/ui) are layout only."""
