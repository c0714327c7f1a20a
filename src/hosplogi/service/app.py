"""The FastAPI application: one JSON endpoint per pure function, errors as 422, bounded work.

Stateless: nothing is kept between requests, so any number of workers and replicas can run behind
any load balancer.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import uvicorn
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, TypeAdapter, ValidationError

import hosplogi
from hosplogi.errors import HosplogiError
from hosplogi.schemas import exported_models
from hosplogi.service.endpoints import ENDPOINTS, Endpoint, Limits

__all__ = ["create_app", "create_app_from_environment", "serve"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def _errors(kind: str, loc: tuple[Any, ...], msg: str) -> list[dict[str, Any]]:
    return [{"type": kind, "loc": list(loc), "msg": msg}]


def _validation_details(errors: Any, prefix: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    # Never echo the input back: it may be large, and it may be what an attacker sent.
    return [{"type": e["type"], "loc": [*prefix, *e["loc"]], "msg": e["msg"]} for e in errors]


class _BodyLimit:
    """Refuse bodies over `limit` bytes with 413: by declared length, else as they stream in.

    The body is read here (at most `limit` bytes are held) and handed on whole, so a body that turns
    out too large is answered before the application sees any of it.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._too_large(send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._too_large(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        whole: Message = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()
            delivered = True
            return whole

        await self.app(scope, replay, send)

    async def _too_large(self, send: Send) -> None:
        response = JSONResponse(
            {
                "detail": _errors(
                    "body_too_large", ("body",), f"the body exceeds {self.limit} bytes"
                )
            },
            status_code=413,
        )
        await response({"type": "http"}, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


def create_app(
    *, token: str | None = None, max_body: int = 10_000_000, max_solve_seconds: float = 30
) -> FastAPI:
    """The HTTP service of hosplogi's pure functions.

    Parameters
    ----------
    token : str, optional
        When given, every ``/v1/`` request except ``/v1/health`` must carry
        ``Authorization: Bearer <token>`` (compared in constant time; never logged).
    max_body : int
        Largest request body in bytes; larger bodies get 413.
    max_solve_seconds : float
        The most wall time one ``scheduling/solve`` call may use; asking for more gets 422.

    Returns
    -------
    fastapi.FastAPI

    Examples
    --------
    >>> from fastapi.testclient import TestClient
    >>> client = TestClient(create_app())
    >>> client.get("/v1/health").json()["status"]
    'ok'
    >>> client.post("/v1/kpi/allocate", json={"pool": "100", "shares": {"a": 1, "b": 2}}).json()
    {'a': '33.33', 'b': '66.67'}
    """
    if not isinstance(max_body, int) or isinstance(max_body, bool) or max_body < 1:
        raise HosplogiError(f"max_body must be a positive number of bytes, got {max_body!r}")
    if not isinstance(max_solve_seconds, (int, float)) or not 0 < max_solve_seconds < 86_400:
        raise HosplogiError(
            f"max_solve_seconds must be between 0 and 86400, got {max_solve_seconds!r}"
        )
    limits = Limits(max_body=max_body, max_solve_seconds=float(max_solve_seconds))
    app = FastAPI(
        title="hosplogi",
        version=hosplogi.__version__,
        summary="Hospital logistics management (医院后勤管理): the library's functions over HTTP.",
    )
    expected = None if token is None else token.encode()

    def authorised(request: Request) -> None:
        if expected is None:
            return
        given = request.headers.get("authorization", "")
        scheme, _, credential = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(credential.encode(), expected):
            raise HTTPException(
                status_code=401,
                detail=_errors(
                    "unauthorised", ("header", "authorization"), "a valid bearer token is required"
                ),
                headers={"WWW-Authenticate": "Bearer"},
            )

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _validation_details(exc.errors())}, status_code=422)

    @app.exception_handler(ValidationError)
    async def _invalid_model(request: Request, exc: ValidationError) -> JSONResponse:
        return JSONResponse(
            {"detail": _validation_details(exc.errors(), ("body",))}, status_code=422
        )

    @app.exception_handler(HosplogiError)
    async def _refused(request: Request, exc: HosplogiError) -> JSONResponse:
        kind = type(exc).__name__
        return JSONResponse({"detail": _errors(kind, ("body",), str(exc))}, status_code=422)

    @app.get("/v1/health", tags=["service"])
    def health() -> dict[str, str]:
        """Liveness: the service answers and says its version."""
        return {"status": "ok", "version": hosplogi.__version__}

    models = exported_models()

    @app.get("/v1/schemas/{model}", tags=["service"], dependencies=[Depends(authorised)])
    def schema(model: str) -> dict[str, Any]:
        """The JSON Schema of one exported model, by class name."""
        found = models.get(model)
        if found is None:
            raise HTTPException(
                status_code=404,
                detail=_errors(
                    "unknown_model",
                    ("path", "model"),
                    f"no model {model!r}; known: {', '.join(sorted(models))}",
                ),
            )
        return found.model_json_schema()

    for endpoint in ENDPOINTS:
        _route(app, endpoint, limits, authorised)
    app.add_middleware(_BodyLimit, limit=max_body)
    return app


def _route(
    app: FastAPI, endpoint: Endpoint, limits: Limits, authorised: Callable[[Request], None]
) -> None:
    request_model = endpoint.request
    # The result is serialised once by its own type; FastAPI's response_model stays for the
    # OpenAPI document only (returning a Response skips a second validation of the result).
    result_type = TypeAdapter(endpoint.response_type())

    def handler(body: BaseModel) -> Response:
        result = endpoint.call(body, limits)
        return Response(result_type.dump_json(result), media_type="application/json")

    # FastAPI reads the body's model from the annotation (postponed annotations are strings here)
    handler.__annotations__ = {"body": request_model, "return": Response}
    handler.__name__ = endpoint.path.replace("/", "_").replace("-", "_")
    handler.__doc__ = (endpoint.function.__doc__ or "").split("\n\n")[0]
    app.post(
        f"/v1/{endpoint.path}",
        response_model=endpoint.response_type(),
        tags=[endpoint.path.split("/")[0]],
        dependencies=[Depends(authorised)],
        name=endpoint.path,
        responses={422: {"description": "Invalid input: what was wrong and what is accepted"}},
    )(handler)


# How `serve` hands its settings to uvicorn's worker processes, which build their own app.
_ENV_TOKEN = "HOSPLOGI_SERVICE_TOKEN"
_ENV_MAX_BODY = "HOSPLOGI_SERVICE_MAX_BODY"
_ENV_MAX_SOLVE = "HOSPLOGI_SERVICE_MAX_SOLVE_SECONDS"


def create_app_from_environment() -> FastAPI:
    """The app a uvicorn worker builds, with the settings :func:`serve` put in its environment.

    Examples
    --------
    >>> create_app_from_environment().title
    'hosplogi'
    """
    try:
        max_body = int(os.environ.get(_ENV_MAX_BODY, "10000000"))
        max_solve = float(os.environ.get(_ENV_MAX_SOLVE, "30"))
    except ValueError as err:
        raise HosplogiError(f"bad service setting in the environment: {err}") from None
    return create_app(
        token=os.environ.get(_ENV_TOKEN) or None, max_body=max_body, max_solve_seconds=max_solve
    )


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    token_env: str | None = None,
    max_body: int = 10_000_000,
    max_solve_seconds: float = 30,
) -> None:  # pragma: no cover - runs until stopped; tested through `python -m hosplogi serve`
    """Run the service under uvicorn until interrupted.

    Parameters
    ----------
    host, port : str, int
    workers : int
        Worker processes (each builds its own app; the service keeps no state between requests).
    token_env : str, optional
        The name of an environment variable holding the bearer token; the token itself is never
        passed on a command line, where other users could read it.
    max_body, max_solve_seconds
        As in :func:`create_app`.
    """
    create_app(max_body=max_body, max_solve_seconds=max_solve_seconds)  # checks the settings
    if token_env is not None:
        token = os.environ.get(token_env)
        if not token:
            raise HosplogiError(f"the environment variable {token_env} holds no token")
        os.environ[_ENV_TOKEN] = token
    os.environ[_ENV_MAX_BODY] = str(max_body)
    os.environ[_ENV_MAX_SOLVE] = str(max_solve_seconds)
    uvicorn.run(
        "hosplogi.service.app:create_app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
    )
