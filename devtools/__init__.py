"""Developer-only tools, outside the product: demo material (a drawn face camera, a speech-like
microphone, demo answers), the screenshot renderers for the docs and a window grabber.

Nothing in ``core``, ``engines``, ``desktop``, ``sync`` or ``installer`` imports this package
(an import-linter contract in pyproject.toml says so), it is not packaged by setuptools and the
PyInstaller bundle leaves it out: run it from a source checkout, e.g.
``xvfb-run -a python -m devtools.screenshots docs/screenshots`` (``make screenshots``).
"""
