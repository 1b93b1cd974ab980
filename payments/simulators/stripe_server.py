"""The HTTP side of the local Stripe: serving on 127.0.0.1, recorded requests, injected
faults, API-key authentication and Stripe's idempotency keys. :class:`StubServer` answers
through ``_route``, which :class:`~payments.simulators.stripe.StripeStub` implements.
"""

from __future__ import annotations

import abc
import hmac
import json
import threading
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from typing import Any, Self

from payments.simulators.stripe_wire import (
    STUB_API_VERSION,
    Answer,
    ApiError,
    FormError,
    RecordedRequest,
    decode_form,
    error_answer,
    handler_for,
    mask,
    new_id,
)

__all__ = ["StubServer"]


@dataclass(slots=True, kw_only=True)
class _Fault:
    status: int
    error_type: str
    code: str | None
    delay: float
    should_retry: bool | None


class StubServer(abc.ABC):
    """Serves one stub over HTTP; subclasses route the requests (``_route``) and keep the
    idempotency answers in ``self._idempotency``."""

    api_key: str

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._faults: list[_Fault] = []
        self._idempotency: dict[str, tuple[tuple[Any, ...], Answer]] = {}
        self.requests: list[RecordedRequest] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- serving -----------------------------------------------------------

    def start(self) -> Self:
        """Listen on 127.0.0.1 on a free port, in a daemon thread."""
        if self._server is not None:
            return self
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(self.handle))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="stripe-stub",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening (the ledger is kept)."""
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def api_base(self) -> str:
        """``http://127.0.0.1:<port>``, for ``StripeConfig.api_base``."""
        if self._server is None:
            raise RuntimeError("the Stripe stub is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # -- faults ------------------------------------------------------------

    def fail_next(
        self,
        *,
        status: int = 500,
        error_type: str = "api_error",
        code: str | None = None,
        times: int = 1,
        delay: float = 0.0,
        should_retry: bool | None = None,
    ) -> None:
        """Answer the next ``times`` requests with an error (``status=0``: none), after
        ``delay`` seconds. Like a fault before Stripe's code runs, nothing is recorded
        against the idempotency key."""
        with self._lock:
            self._faults.extend(
                _Fault(
                    status=status,
                    error_type=error_type,
                    code=code,
                    delay=delay,
                    should_retry=should_retry,
                )
                for _ in range(times)
            )

    # -- request handling ----------------------------------------------------

    def handle(
        self, *, method: str, target: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[int, bytes, list[tuple[str, str]]]:
        """Answer one HTTP request: status, JSON body, headers. Every request is recorded."""
        lowered = {key.lower(): value for key, value in headers.items()}
        parts = urllib.parse.urlsplit(target)
        unreadable: ApiError | None = None
        query: dict[str, Any] = {}
        form: dict[str, Any] = {}
        text = ""
        try:
            query = decode_form(parts.query)
            text = body.decode("utf-8")
            form = decode_form(text) if method == "POST" else {}
        except (FormError, UnicodeDecodeError) as exc:
            unreadable = ApiError(400, str(exc))
        with self._lock:
            self.requests.append(
                RecordedRequest(
                    method=method,
                    path=parts.path,
                    query=query,
                    form=form,
                    headers={k: v for k, v in lowered.items() if k != "authorization"},
                )
            )
            fault = self._faults.pop(0) if self._faults else None
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        if fault is not None and fault.status:
            error = ApiError(
                fault.status,
                "An error occurred with our connection to Stripe.",
                error_type=fault.error_type,
                code=fault.code,
            )
            answer = Answer(error.status, error.body)
            if fault.should_retry is not None:
                retry = "true" if fault.should_retry else "false"
                answer = Answer(answer.status, answer.body, (("Stripe-Should-Retry", retry),))
        elif unreadable is not None:
            answer = error_answer(unreadable)
        else:
            with self._lock:
                answer = self._answer(
                    method=method,
                    path=parts.path,
                    headers=lowered,
                    query=query,
                    form=form,
                    text=text,
                )
        response_headers = [
            ("Request-Id", new_id("req_")),
            ("Stripe-Version", lowered.get("stripe-version", STUB_API_VERSION)),
            *answer.headers,
        ]
        data = json.dumps(answer.body, ensure_ascii=False).encode("utf-8")
        return answer.status, data, response_headers

    def _answer(
        self,
        *,
        method: str,
        path: str,
        headers: dict[str, str],
        query: dict[str, Any],
        form: dict[str, Any],
        text: str,
    ) -> Answer:
        try:
            self._authenticate(headers.get("authorization", ""))
            if method == "POST" and "form-urlencoded" not in headers.get("content-type", ""):
                raise ApiError(400, "Stripe takes form-encoded request bodies.")
        except ApiError as exc:
            return error_answer(exc)
        key = headers.get("idempotency-key")
        if method != "POST" or not key:
            return self._route(method=method, path=path, query=query, form=form)
        if len(key) > 255:
            return error_answer(ApiError(400, "Idempotency keys are at most 255 characters."))
        fingerprint = (path, tuple(sorted(urllib.parse.parse_qsl(text, keep_blank_values=True))))
        saved = self._idempotency.get(key)
        if saved is not None:
            if saved[0] != fingerprint:
                return error_answer(
                    ApiError(
                        400,
                        "Keys for idempotent requests can only be used with the same "
                        "parameters they were first used with. Try using a key other than "
                        f"'{key}' if you meant to execute a different request.",
                        error_type="idempotency_error",
                    )
                )
            first = saved[1]
            return Answer(first.status, first.body, (("Idempotent-Replayed", "true"),))
        answer = self._route(method=method, path=path, query=query, form=form)
        if answer.status < 400 or answer.status >= 500:
            self._idempotency[key] = (fingerprint, answer)
        return answer

    def _authenticate(self, authorization: str) -> None:
        scheme, _, token = authorization.partition(" ")
        if scheme != "Bearer" or not token:
            raise ApiError(
                401,
                "You did not provide an API key. You need to provide your API key in the "
                "Authorization header, using Bearer auth.",
            )
        if not hmac.compare_digest(token.encode("utf-8"), self.api_key.encode("utf-8")):
            raise ApiError(401, f"Invalid API Key provided: {mask(token)}")

    @abc.abstractmethod
    def _route(
        self, *, method: str, path: str, query: dict[str, Any], form: dict[str, Any]
    ) -> Answer:
        """Stripe's API itself (the stub in ``payments/simulators/stripe.py``): answer one
        authenticated request, after the faults and idempotency handled here."""
