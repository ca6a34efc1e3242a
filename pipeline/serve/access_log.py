"""One log line per request: token name, method, route template, status, latency.

Never the path as sent, the query string, a header or the body: they carry
phones, emails and tokens. Uvicorn's own access log prints query strings,
so `oneid serve` turns it off and this middleware logs instead.
"""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("oneid.serve.access")
TOKEN_NAME = "token_name"  # key of the request state the authentication sets


class AccessLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client gets when the app raises before answering

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            # The router records the matched route in the scope; its path is the template.
            route = getattr(scope.get("route"), "path", "unmatched")
            token = scope.get("state", {}).get(TOKEN_NAME, "-")
            log.info(
                "token=%s method=%s route=%s status=%d ms=%.1f",
                token, scope["method"], route, status, (time.perf_counter() - started) * 1000,
            )
