"""The Qt composition root: app entry, workers that run engines off the UI thread, controllers.
Only this package imports PySide6; nothing imports it."""
