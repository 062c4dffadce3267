"""Domain operations over a SQLAlchemy ``Session``. Each function does one unit of work and
commits only where its docstring says so; callers own the session (one per thread)."""
