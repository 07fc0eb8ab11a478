"""The rating page in a real browser: rate with 1–5 (or 0/n "don't know", x "can't play"), move with j/k and arrows,
submit with Enter.

Drives headless Chromium over the DevTools protocol against pytest-django's live server; skipped when no
Chromium is installed.
"""

import asyncio
import shutil
import socket
import subprocess

import pytest

from evaluation.assignment import next_task
from evaluation.models import Assignment, Rating

pytest.importorskip("aiohttp", reason="aiohttp speaks the DevTools websocket")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
pytestmark = [pytest.mark.skipif(CHROMIUM is None, reason="no Chromium to drive"),
              pytest.mark.django_db(transaction=True), pytest.mark.browser]
KEY_CODES = {"Enter": 13, "ArrowDown": 40, "ArrowUp": 38}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """Just enough of the DevTools protocol: cookies, navigation, key presses, evaluating JavaScript."""

    def __init__(self, http, websocket):
        self.http, self.websocket, self.counter = http, websocket, 0

    async def call(self, method, **params):
        self.counter += 1
        number = self.counter
        await self.websocket.send_json({"id": number, "method": method, "params": params})
        while True:
            message = await self.websocket.receive_json(timeout=20)
            if message.get("id") == number:
                return message.get("result", {})

    async def evaluate(self, expression):
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        return result["result"].get("value")

    async def press(self, key):
        code = KEY_CODES.get(key, ord(key.upper()) if len(key) == 1 else 0)
        text = "\r" if key == "Enter" else (key if len(key) == 1 else "")
        await self.call("Input.dispatchKeyEvent", type="keyDown", key=key, code=key, text=text,
                        windowsVirtualKeyCode=code)
        await self.call("Input.dispatchKeyEvent", type="keyUp", key=key, code=key, windowsVirtualKeyCode=code)
        await asyncio.sleep(0.05)

    async def wait_for(self, expression, timeout=10):
        for _ in range(int(timeout / 0.1)):
            if await self.evaluate(expression):
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"timed out waiting for {expression}")


def drive(url, cookie, steps):
    """Open ``url`` with the session cookie in headless Chromium and run ``steps(browser)``."""
    import aiohttp

    port = free_port()
    process = subprocess.Popen([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                f"--remote-debugging-port={port}", "--window-size=1000,1400", "about:blank"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    async def run():
        async with aiohttp.ClientSession() as http:
            for _ in range(100):
                try:
                    targets = await (await http.get(f"http://127.0.0.1:{port}/json")).json()
                    break
                except aiohttp.ClientError:
                    await asyncio.sleep(0.1)
            page = next(target for target in targets if target["type"] == "page")
            async with http.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0) as websocket:
                browser = Browser(http, websocket)
                await browser.call("Network.enable")
                await browser.call("Network.setCookie", name=cookie["name"], value=cookie["value"],
                                   domain="localhost", path="/")
                await browser.call("Page.navigate", url=url)
                await browser.wait_for("document.readyState === 'complete' && !!document.querySelector('.rate-item')")
                return await steps(browser)

    try:
        return asyncio.run(run())
    finally:
        process.terminate()
        process.wait(timeout=10)


def task_page(live_server, client, evaluator, assignment):
    """The task's URL on the live server and the evaluator's session cookie for the browser."""
    client.force_login(evaluator)
    cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value}
    return live_server.url.replace("127.0.0.1", "localhost") + f"/evaluate/tasks/{assignment.public_id}/", cookie


FOCUSED = "[...document.querySelectorAll('.rate-item')].indexOf(document.activeElement)"
CHECKED = ("[...document.querySelectorAll('.rate-item')]"
           ".map(item => (item.querySelector('input:checked') || {}).value || null)")


def test_rating_a_whole_list_with_the_keyboard(live_server, client, make_campaign, evaluator):
    make_campaign(systems=["cosine"], seeds=2, k=4)
    assignment = next_task(evaluator)
    url, cookie = task_page(live_server, client, evaluator, assignment)

    async def steps(browser):
        seen = {"start": await browser.evaluate(FOCUSED)}
        await browser.press("3")  # rates the focused first track and moves to the next unrated one
        seen["after rating"] = await browser.evaluate(FOCUSED)
        await browser.press("j")
        await browser.press("k")
        await browser.press("ArrowDown")
        await browser.press("ArrowUp")
        seen["after moving"] = await browser.evaluate(FOCUSED)
        for key in "524":
            await browser.press(key)
        await browser.press("k")
        await browser.press("1")  # change the third track's score
        seen["checked"] = await browser.evaluate(CHECKED)
        await browser.press("Enter")
        await browser.wait_for(f"location.pathname !== '/evaluate/tasks/{assignment.public_id}/'")
        seen["now at"] = await browser.evaluate("location.pathname")
        return seen

    seen = drive(url, cookie, steps)
    assert seen["start"] == 0 and seen["after rating"] == 1 and seen["after moving"] == 1
    assert seen["checked"] == ["3", "5", "1", "4"]
    shown = list(assignment.task.items.order_by("display_position").values_list("pk", flat=True))
    stored = dict(Rating.objects.filter(evaluator=evaluator).values_list("item_id", "score"))
    assert [stored[pk] for pk in shown] == [3, 5, 1, 4]
    following = Assignment.objects.get(evaluator=evaluator, status=Assignment.Status.ACTIVE)
    assert seen["now at"] == following.get_absolute_url()


def test_dont_know_and_cant_play_have_keys_that_move_on_like_a_score(live_server, client, make_campaign, evaluator):
    make_campaign(systems=["cosine"], seeds=1, k=4)
    assignment = next_task(evaluator)
    url, cookie = task_page(live_server, client, evaluator, assignment)

    async def steps(browser):
        seen = {"hint": await browser.evaluate("document.getElementById('rating-keys').textContent")}
        await browser.press("0")  # "don't know", then on to the next track
        seen["after 0"] = await browser.evaluate(FOCUSED)
        for key in "x4n":
            await browser.press(key)
        seen["checked"] = await browser.evaluate(CHECKED)
        await browser.press("Enter")
        await browser.wait_for(f"location.pathname !== '/evaluate/tasks/{assignment.public_id}/'")
        return seen

    seen = drive(url, cookie, steps)
    assert "0 or n “don't know”" in seen["hint"] and "x “can't play”" in seen["hint"]
    assert seen["after 0"] == 1
    assert seen["checked"] == ["unknown", "unplayable", "4", "unknown"]
    shown = list(assignment.task.items.order_by("display_position").values_list("pk", flat=True))
    stored = {pk: (score, unrated) for pk, score, unrated in
              Rating.objects.filter(evaluator=evaluator).values_list("item_id", "score", "unrated")}
    assert [stored[pk] for pk in shown] == [(None, "unknown"), (None, "unplayable"), (4, ""), (None, "unknown")]
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.SUBMITTED  # every item has an answer
