"""A thin layer over Selenium for the page walk: viewport widths, console errors, overflow, visibility, screenshots."""

import base64
import time
from functools import cache
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains

WIDE, NARROW = 1280, 390
HEIGHTS = {WIDE: 900, NARROW: 844}
# Required to run in a container without a GPU, shared memory or network; see the README.
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--no-first-run", "--disable-extensions", "--mute-audio")
# Every host but the live server resolves to nothing: no request leaves the machine.
NO_NETWORK = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1"
# The embed player can't load without a network; that failure is expected, anything else is a page error.
OFFLINE_THIRD_PARTY = ("open.spotify.com",)

VISIBLE = """
const element = typeof arguments[0] === "string" ? document.querySelector(arguments[0]) : arguments[0];
if (!element) return "missing";
const rect = element.getBoundingClientRect();
if (!element.getClientRects().length || rect.width === 0 || rect.height === 0) return "hidden";
if (getComputedStyle(element).visibility === "hidden") return "hidden";
if (rect.left < -0.5 || rect.right > document.documentElement.clientWidth + 0.5) return "off-screen";
for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
  if (getComputedStyle(box).overflowX === "visible") continue;
  const frame = box.getBoundingClientRect();  // scrolled out of a scrolling box counts as off-screen too
  if (rect.left < frame.left - 0.5 || rect.right > frame.right + 0.5) return "off-screen";
}
return "visible";
"""
OVERFLOW = """
const root = document.documentElement, width = root.clientWidth;
if (root.scrollWidth <= width) return [];
const scrolls = element => getComputedStyle(element).overflowX !== "visible";
const inScroller = element => { for (let e = element.parentElement; e && e !== document.body; e = e.parentElement) {
  if (scrolls(e)) return true; } return false; };
return [...document.querySelectorAll("body *")]
  .filter(element => element.getBoundingClientRect().right > width + 0.5 && !inScroller(element))
  .slice(0, 5).map(element => element.tagName.toLowerCase() + (element.className ? "." + element.className : "")
                               + " " + (element.textContent || "").trim().slice(0, 40));
"""
# axe-core from npm (package.json here; `npm ci` installs it, .ci/run does that): the rules a person with a screen
# reader, low vision or only a keyboard depends on. Injected by the driver, so the page's CSP does not apply.
AXE_SCRIPT = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
                   rules: Object.fromEntries(arguments[0].map(rule => [rule, {enabled: false}])),
                   resultTypes: ["violations"]})
  .then(results => done(results.violations.filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => v.id + ": " + v.nodes.slice(0, 3).map(n => n.target.join(" ") + " (" + (n.failureSummary || "")
      .split("\\n").slice(1, 2).join("").trim() + ")").join("; "))), error => done(["axe failed: " + error]));
"""
THIRD_PARTY_REQUESTS = """
return performance.getEntriesByType("resource").map(entry => entry.name)
  .filter(name => !name.startsWith(location.origin));
"""


class Browser:
    """One headless Chromium; ``open()`` a path at a width, then check and photograph what a person sees."""

    def __init__(self, driver, base_url, screenshot_dir):
        self.driver, self.base_url, self.screenshot_dir = driver, base_url, screenshot_dir
        self.width = WIDE

    @classmethod
    def start(cls, chromium, chromedriver, base_url, screenshot_dir):
        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for flag in (*CHROMIUM_FLAGS, NO_NETWORK, f"--window-size={WIDE},{HEIGHTS[WIDE]}"):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        # The system chromedriver matches the system Chromium; Selenium Manager must not try to download one.
        driver = webdriver.Chrome(options=options, service=Service(executable_path=chromedriver))
        driver.set_page_load_timeout(60)
        return cls(driver, base_url, screenshot_dir)

    def quit(self):
        self.driver.quit()

    def resize(self, width):
        self.width = width
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": HEIGHTS[width], "deviceScaleFactor": 1, "mobile": width < 600})

    def open(self, path, width=None):
        """Load ``path`` (after forgetting earlier console messages) and wait until it has finished loading."""
        if width is not None:
            self.resize(width)
        self.console_errors()
        self.driver.get(self.base_url + path)
        self.wait_for("return document.readyState === 'complete'")

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def wait_for(self, script, *args, timeout=15):
        deadline = time.monotonic() + timeout
        while True:
            value = self.js(script, *args)
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for: {script}")
            time.sleep(0.1)

    def press(self, *keys):
        """Type keys into whatever has focus, as a person at the keyboard would."""
        for key in keys:
            ActionChains(self.driver).send_keys(key).perform()
            time.sleep(0.05)

    def type_into(self, selector, text):
        element = self.driver.find_element("css selector", selector)
        element.click()
        for character in text:
            element.send_keys(character)
            time.sleep(0.02)
        return element

    def console_errors(self):
        """Console errors (and failed loads) since the last call, except the embed player's offline failure."""
        return [entry["message"] for entry in self.driver.get_log("browser")
                if entry["level"] == "SEVERE" and not any(host in entry["message"] for host in OFFLINE_THIRD_PARTY)]

    def visibility(self, selector_or_element):
        return self.js(VISIBLE, selector_or_element)

    def overflowing(self):
        """Elements sticking out to the right when the page scrolls sideways (empty when it doesn't)."""
        return self.js(OVERFLOW)

    def accessibility_violations(self, skip_rules=()):
        """axe-core's serious and critical violations on the page as it is now ("rule: element (why)")."""
        if not self.js("return typeof axe !== 'undefined'"):
            self.js(_axe_source())
        self.driver.set_script_timeout(60)
        return self.driver.execute_async_script(AXE_RUN, list(skip_rules))

    def third_party_requests(self):
        return self.js(THIRD_PARTY_REQUESTS)

    def screenshot(self, name):
        """The whole page, not only the viewport, as <name>-<width>.png."""
        height = self.js("return Math.ceil(document.documentElement.scrollHeight)")
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": self.width, "height": min(height, 12000), "scale": 1}})
        path = self.screenshot_dir / f"{name}-{self.width}.png"
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def check(self, name, *visible, skip_rules=()):
        """What every page must pass: no console error, no sideways scrolling on a phone, its key content on
        screen, no serious or critical axe-core violation (but ``skip_rules``). Takes the screenshot first, so a
        failure leaves the picture of it."""
        self.screenshot(name)
        problems = {"console errors": self.console_errors(), "overflowing": self.overflowing(),
                    "not visible": {selector: state for selector in visible
                                    if (state := self.visibility(selector)) != "visible"},
                    "accessibility": self.accessibility_violations(skip_rules)}
        assert not any(problems.values()), f"{name} at {self.width} px: {problems}"


@cache
def _axe_source():
    if not AXE_SCRIPT.exists():
        raise AssertionError(f"{AXE_SCRIPT} is missing: run `npm ci` in {AXE_SCRIPT.parent.parent.parent}")
    return AXE_SCRIPT.read_text(encoding="utf-8")
