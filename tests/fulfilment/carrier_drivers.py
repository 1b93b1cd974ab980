"""Each carrier's simulator, driven the same way: create a waybill through the site's adapter,
move the parcel (the simulator posts the carrier's real callback to our callback URL, over
HTTP), and keep the exact bytes of the last callback to send them again, late or forged."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from shop.carriers import registry
from shop.carriers.simulators import ghn, ghtk, viettelpost
from tests.carriers import test_ghn_protocol, test_ghtk_protocol, test_viettelpost_protocol

CARRIERS = ("ghn", "ghtk", "viettelpost")


@dataclass
class Callback:
    """A callback as the carrier sent it: where to, which bytes, which content type."""

    url: str
    body: bytes
    content_type: str

    def send(self, *, url: str | None = None, body: bytes | None = None) -> tuple[int, bytes]:
        request = urllib.request.Request(  # noqa: S310 - the live test server
            url or self.url,
            data=self.body if body is None else body,
            headers={"Content-Type": self.content_type},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
                return answer.status, answer.read()
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, exc.read()

    @property
    def path(self) -> str:
        """The callback's path and query on our site (for the test client)."""
        parts = urllib.parse.urlsplit(self.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass
class Driver:
    name: str
    sent: list[Callback] = field(default_factory=list)

    def create(self, reference: str) -> str:
        """A waybill at the carrier's simulator, through the registry's adapter."""
        return registry.carrier_for(self.name).create(self._request(reference)).code

    def push(self, code: str, status: str, *, send: bool = True) -> int:
        """Move the parcel; the simulator posts the callback (unless ``send`` is false: a
        callback lost on the way, kept in ``sent``). Our site's HTTP answer."""
        core = self.core()
        url = core.callback_url
        if not send:
            core.callback_url = ""
        try:
            return self._push(core, code, status, url)
        finally:
            core.callback_url = url

    def core(self):
        return {"ghn": ghn, "ghtk": ghtk, "viettelpost": viettelpost}[self.name].simulator_core()

    def _push(self, core, code: str, status: str, url: str) -> int:
        if self.name == "ghn":
            pushed = core.advance(code, status)
            body, kind, answer = (
                json.dumps(pushed.body, ensure_ascii=False).encode(),
                "json",
                pushed.status,
            )
        elif self.name == "ghtk":
            fields, answer = core.advance(code, status)
            body, kind = urllib.parse.urlencode(fields).encode(), "form"
        else:
            answer, _text = core.advance(code, status)
            body, kind = core.webhook_body(code), "json"
        content_type = "application/json" if kind == "json" else "application/x-www-form-urlencoded"
        self.sent.append(Callback(url=url, body=body, content_type=content_type))
        return answer or 0

    @property
    def last(self) -> Callback:
        return self.sent[-1]

    def _request(self, reference: str):
        if self.name == "ghn":
            return test_ghn_protocol.waybill_request(reference)
        if self.name == "ghtk":
            return test_ghtk_protocol.waybill_request(reference)
        return test_viettelpost_protocol._request(reference)
