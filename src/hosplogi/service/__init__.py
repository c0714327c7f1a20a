"""The library's pure functions over HTTP, for services written in any language (extra ``service``).

``create_app()`` gives a FastAPI application; ``python -m hosplogi serve`` runs it under uvicorn.
The OpenAPI document at ``/openapi.json`` is generated from the library's own models.
"""

from __future__ import annotations

try:
    import fastapi  # noqa: F401
except ImportError as err:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        'hosplogi.service needs FastAPI and uvicorn: pip install "hosplogi[service]"'
    ) from err

from hosplogi.service.app import create_app, create_app_from_environment, serve
from hosplogi.service.endpoints import ENDPOINTS, Endpoint, Limits

__all__ = [
    "ENDPOINTS",
    "Endpoint",
    "Limits",
    "create_app",
    "create_app_from_environment",
    "serve",
]
