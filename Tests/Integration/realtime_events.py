"""What the server pushes to one user over DDP (`stream-notify-user`: ephemeral messages on `<uid>/message`, UIKit
views on `<uid>/uiInteraction`), collected by a raw DDP client on a thread of its own so synchronous tests can wait
for them. The `websockets` package is what `rocketchat-async` itself runs on."""

import asyncio
import json
import threading
import time

import websockets


class UserEvents:
    def __init__(self, server_url, user_id, token):
        self.url = server_url.replace("http://", "ws://") + "/websocket"
        self.user_id = user_id
        self.token = token
        self.events = []
        self._ready = threading.Event()
        self._stop = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        if not self._ready.wait(15):
            raise AssertionError("the DDP listener did not subscribe")

    def _run(self):
        self._loop.run_until_complete(self._listen())

    async def _listen(self):
        self._stop = asyncio.Event()
        async with websockets.connect(self.url, max_size=2**22) as ws:
            await ws.send(json.dumps({"msg": "connect", "version": "1", "support": ["1"]}))
            await ws.send(json.dumps({"msg": "method", "method": "login", "id": "login", "params": [{"resume": self.token}]}))
            for event in ("message", "uiInteraction"):
                await ws.send(json.dumps({
                    "msg": "sub", "id": f"sub-{event}", "name": "stream-notify-user",
                    "params": [f"{self.user_id}/{event}", False],
                }))
            pending = {"sub-message", "sub-uiInteraction"}
            while not self._stop.is_set():
                try:
                    raw = await asyncio.wait_for(ws.recv(), 0.2)
                except asyncio.TimeoutError:
                    continue
                frame = json.loads(raw)
                if frame.get("msg") == "ping":
                    await ws.send(json.dumps({"msg": "pong"}))
                elif frame.get("msg") == "ready":
                    pending -= set(frame.get("subs", []))
                    if not pending:
                        self._ready.set()
                elif frame.get("msg") == "changed" and frame.get("collection") == "stream-notify-user":
                    fields = frame["fields"]
                    self.events.append((fields["eventName"].split("/", 1)[1], fields["args"][0]))

    def wait_for(self, kind, predicate, timeout=10):
        """The first pushed `kind` (message or uiInteraction) for which `predicate` holds."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            for event_kind, payload in list(self.events):
                if event_kind == kind and predicate(payload):
                    return payload
            time.sleep(0.05)
        raise AssertionError(f"no {kind} event matched; got {self.events}")

    def notice(self, text_part, timeout=10):
        """An ephemeral message whose text contains `text_part`."""
        return self.wait_for("message", lambda m: text_part in (m.get("msg") or m.get("text") or ""), timeout)

    def close(self):
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(5)
