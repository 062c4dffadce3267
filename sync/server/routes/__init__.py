"""APIRouter modules of the REST API, one per resource (full-stack-fastapi-template layout)."""
