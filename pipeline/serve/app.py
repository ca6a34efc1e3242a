"""`oneid serve`: the brand-scoped profile API over the published night (docs/api.md).

Routes that query DuckDB (audiences, distributions, tag writes) are plain
functions run in the server's thread pool, each with its own DuckDB cursor
(pipeline/serve/published.py); the profile look-up reads the profile store
on the event loop.
Errors map to status codes in one place (`_errors`), with messages that never
repeat an identifier the caller sent. No `from __future__ import annotations`
here: FastAPI reads the route signatures, whose dependencies are local.
"""


import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import date, datetime, timezone
from typing import Annotated, Any

import uvicorn
from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import ValidationError

from pipeline.home import Home
from pipeline.serve.access_log import TOKEN_NAME, AccessLog
from pipeline.serve.audiences import BadQuery, NotFound, describe_audience, distribution, list_audiences, resolve_audience, resolve_tag
from pipeline.serve.brand_scope import BrandForbidden, BrandScope, UnknownBrand
from pipeline.serve.guide_tag_writes import GuideTag, TagRefused, checked_event, queue_event
from pipeline.serve.people import BadLookup, Lookup, PersonNotFound, find_oneid, person_profile
from pipeline.serve.published import NotPublished, PublishedFiles
from pipeline.serve.tokens import Token, TokenStore

LOOKUP_KINDS = ("phone", "email", "member_id", "openid", "unionid", "oneid")
_bearer = HTTPBearer(auto_error=False, description="A token from `oneid token create`.")


class Unauthorized(Exception):
    """No token, or one the store does not hold (revoked, mistyped)."""


class MissingScope(Exception):
    """The token lacks the route's scope."""


def create_app(home: Home, tokens: TokenStore | None = None) -> FastAPI:
    store = tokens or TokenStore.for_home(home)
    published = PublishedFiles(home)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            published.night()  # open the files now, not on the first caller's time
        except NotPublished as failure:
            logging.getLogger("oneid.serve").warning("not ready: %s", failure)
        yield
        published.close()

    app = FastAPI(
        lifespan=lifespan,
        title="OneID profile API",
        version="1",
        description="Brand-scoped profiles, audiences and shop-assistant tags of the published night (docs/api.md).",
    )
    app.add_middleware(AccessLog)
    _errors(app)

    def authorized(scope: str | None) -> Callable[..., Awaitable[Token]]:
        # async: a stat and a dictionary look-up, not worth a hop to the thread pool.
        async def dependency(
            request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
        ) -> Token:
            token = store.authenticate(credentials.credentials) if credentials else None
            if token is None:
                raise Unauthorized("a valid bearer token is required (Authorization: Bearer <token>)")
            setattr(request.state, TOKEN_NAME, token.name)
            if scope is not None and scope not in token.scopes:
                raise MissingScope(f"this token lacks scope {scope}")
            return token

        return dependency

    @app.get("/v1/health", tags=["service"])
    def health() -> dict[str, str]:
        """Liveness: the process answers. No token needed."""
        return {"status": "ok"}

    @app.get("/v1/ready", tags=["service"], dependencies=[Depends(authorized(None))])
    def ready() -> Any:
        """Readiness: both published files are open; the business date of the night they hold (503 before)."""
        try:
            night = published.night()
        except NotPublished as failure:
            return JSONResponse({"ready": False, "detail": str(failure)}, status_code=503)
        if not night.hash_key_matches:
            detail = "ONEID_HASH_KEY is not the key the published night hashed identifiers with: look-ups would find no one"
            return JSONResponse({"ready": False, "detail": detail}, status_code=503)
        return {"ready": True, "business_date": night.business_date}

    @app.get("/v1/people/lookup", tags=["people"])
    async def lookup(
        token: Annotated[Token, Depends(authorized("profiles:read"))],
        phone: Annotated[str | None, Query(description="CN mobile in any spelling")] = None,
        email: Annotated[str | None, Query(description="any case")] = None,
        member_id: Annotated[str | None, Query(description="with brand=")] = None,
        brand: Annotated[str | None, Query(description="the brand of member_id")] = None,
        openid: Annotated[str | None, Query(description="with appid=")] = None,
        appid: Annotated[str | None, Query(description="the WeChat app of openid")] = None,
        unionid: str | None = None,
        oneid: str | None = None,
    ) -> Response:
        """A person's profile by exactly one identifier, as the token's brands may see it."""
        # async, on the event loop: two SQLite key reads and a JSON document, tens of
        # microseconds; the thread pool's hop cost more (docs/benchmarks.md, "Serving").
        given = {
            k: v for k, v in
            {"phone": phone, "email": email, "member_id": member_id, "openid": openid, "unionid": unionid, "oneid": oneid}.items()
            if v is not None
        }
        if len(given) != 1:
            raise BadLookup(f"give exactly one of {', '.join(LOOKUP_KINDS)}; got {len(given)}")
        (kind, value), = given.items()
        if brand is not None and kind != "member_id":
            raise BadLookup("brand= goes only with member_id")
        if appid is not None and kind != "openid":
            raise BadLookup("appid= goes only with openid")
        with published.reading() as reader:
            scope = BrandScope.of(token, reader.night)
            oneid, document = find_oneid(reader, scope, Lookup(kind, value, brand, appid))
            # Serialized here, not by FastAPI's encoder: the profile is the API's hot path.
            return _json(person_profile(reader, scope, oneid, document, kind))

    @app.get("/v1/audiences", tags=["audiences"])
    def audiences(token: Annotated[Token, Depends(authorized("audiences:read"))]) -> dict[str, Any]:
        """Every audience (aud_* tables) with its size, per brand the token sees."""
        with published.reading() as reader:
            scope = BrandScope.of(token, reader.night)
            return {"business_date": reader.night.business_date, "audiences": list_audiences(reader, scope)}

    @app.get("/v1/audiences/{name}", tags=["audiences"])
    def audience(
        name: str,
        token: Annotated[Token, Depends(authorized("audiences:read"))],
        brand: str | None = None,
    ) -> dict[str, Any]:
        """An audience's size and its people's rfm, lifecycle, AIPL and value tags."""
        with published.reading() as reader:
            scope = BrandScope.of(token, reader.night)
            chosen = scope.readable(brand, reader.night) if brand is not None else None
            return describe_audience(reader, scope, name, chosen)

    @app.get("/v1/tags/{tag}/distribution", tags=["audiences"])
    def tag_distribution(
        tag: str,
        token: Annotated[Token, Depends(authorized("audiences:read"))],
        brand: str | None = None,
        audience: str | None = None,
    ) -> dict[str, Any]:
        """People per value of a tag (person_tags, person_brand_tags column, or manual tag code), optionally within an audience."""
        with published.reading() as reader:
            night = reader.night
            scope = BrandScope.of(token, night)
            chosen = scope.readable(brand, night) if brand is not None else None
            within = resolve_audience(night, audience) if audience is not None else None
            result = distribution(reader, scope, resolve_tag(night, tag, chosen), chosen, within)
            return {"business_date": night.business_date, **result}

    # The body is read after the token is checked, so that a caller without a valid
    # token gets 401 whatever it sent (FastAPI would validate a declared body first).
    @app.post(
        "/v1/guide-tags",
        status_code=202,
        tags=["guide tags"],
        openapi_extra={
            "requestBody": {"required": True, "content": {"application/json": {"schema": GuideTag.model_json_schema()}}}
        },
    )
    def guide_tag(body: Annotated[bytes, Depends(_body)], token: Annotated[Token, Depends(authorized("guide_tags:write"))]) -> dict[str, Any]:
        """Queue a shop assistant's tag for the next night's load (a guide_tags delivery file)."""
        try:
            tag = GuideTag.model_validate_json(body)
        except ValidationError as failure:
            raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in failure.errors(include_input=False)]) from None
        now = datetime.now(timezone.utc)
        with published.reading() as reader:
            event = checked_event(tag, reader.night, BrandScope.of(token, reader.night), now)
        queued = queue_event(home, event, now)
        return {
            "status": "queued",
            "detail": "queued for the next night's load; the profile shows it once that night is published",
            **queued.__dict__,
        }

    return app


async def _body(request: Request) -> bytes:
    return await request.body()


def _json(content: dict[str, Any]) -> Response:
    # Dates (the business date) as ISO 8601; the stored sections are JSON already.
    body = json.dumps(content, ensure_ascii=False, separators=(",", ":"), default=date.isoformat)
    return Response(body.encode("utf-8"), media_type="application/json")


def _errors(app: FastAPI) -> None:
    statuses: dict[type[Exception], int] = {
        Unauthorized: 401,
        MissingScope: 403,
        BrandForbidden: 403,
        PersonNotFound: 404,
        NotFound: 404,
        BadLookup: 422,
        BadQuery: 422,
        UnknownBrand: 422,
        TagRefused: 422,
        NotPublished: 503,
    }

    def handler(status: int) -> Callable[[Request, Exception], JSONResponse]:
        def respond(request: Request, failure: Exception) -> JSONResponse:
            headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
            return JSONResponse({"detail": str(failure)}, status_code=status, headers=headers)

        return respond

    for failure, status in statuses.items():
        app.add_exception_handler(failure, handler(status))

    def invalid(request: Request, failure: Exception) -> JSONResponse:
        # FastAPI's default echoes the rejected input, which may be a phone: location and message only.
        assert isinstance(failure, RequestValidationError)
        detail = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in failure.errors()]
        return JSONResponse({"detail": detail}, status_code=422)

    app.add_exception_handler(RequestValidationError, invalid)


def serve(home: Home, host: str, port: int) -> None:
    """Run the API until interrupted; one log line per request on stderr."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # access_log=False: uvicorn's access lines carry query strings (phones, emails).
    uvicorn.run(create_app(home), host=host, port=port, access_log=False, log_config=None)
