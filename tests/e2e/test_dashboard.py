"""The dashboard and the report in a real headless browser (Debian's chromium, driven through
chromium-driver by Selenium) on the demo warehouse that `make demo` loads: every page opens,
its charts draw, a quote opens in its article with the quote highlighted, and the report opens
with the network off. Each page's screenshot goes to a temporary folder, or to the folder
`--screenshots DIR` names: `make screenshots` refreshes the docs' images in docs/img/ so.

Skipped where chromium or chromium-driver is not installed; .ci/run installs both.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import ROOT, SEEDS, newsflow
from warehouse import figures
from warehouse.store import Store

CHROMIUM = shutil.which("chromium")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None,
    reason="needs Debian's chromium and chromium-driver (apt-get install chromium "
    "chromium-driver; .ci/run installs them)",
)
WAIT = 60.0

# The marks a chart drew (bars, points, lines, rules; not its axes): 0 is a chart that drew
# nothing.
MARKS = "return arguments[0].querySelectorAll('svg g.role-mark > *').length;"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed drops loaded as `make demo` loads them."""
    home = tmp_path_factory.mktemp("demo")
    for drop in sorted(SEEDS.glob("20*")):
        result = newsflow("run", str(drop), home=home)
        assert result.returncode == 0, result.stdout + result.stderr
    return home


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def dashboard(demo: Path) -> Iterator[str]:
    """`newsflow dashboard` serving the demo home; its address."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NEWSFLOW_"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "dashboard", "--home", str(demo), "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + WAIT
        while True:
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer,
            ):
                if answer.read() == b"ok":
                    break
            assert process.poll() is None, "newsflow dashboard exited"
            assert time.monotonic() < deadline, "the dashboard did not answer"
            time.sleep(0.5)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--window-size=1400,1100", "--disable-gpu"):  # fmt: skip
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=str(DRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _open(driver: object, url: str, title: str) -> None:
    """The page at `url`, once its title shows and the app has finished running."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)  # type: ignore[attr-defined]
    wait = WebDriverWait(driver, WAIT)
    wait.until(lambda d: any(title in h.text for h in d.find_elements(By.CSS_SELECTOR, "h1")))
    wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidget"] *'))
    time.sleep(1.0)  # the charts' own drawing after the elements arrive


@pytest.fixture(scope="module")
def shots(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the screenshots go: a temporary folder unless `--screenshots` names one."""
    named = request.config.getoption("screenshots")
    if named is None:
        return tmp_path_factory.mktemp("screenshots")
    folder = Path(named).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _screenshot(driver: object, shots: Path, name: str) -> None:
    driver.get_screenshot_as_file(str(shots / f"dashboard-{name}.png"))  # type: ignore[attr-defined]


def _charts(driver: object, count: int) -> list[int]:
    """The marks each of the page's charts drew, once `count` charts have drawn some."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def drawn(d: object) -> list[int] | None:
        charts = d.find_elements(By.CSS_SELECTOR, '[data-testid="stVegaLiteChart"]')  # type: ignore[attr-defined]
        marks = [d.execute_script(MARKS, chart) for chart in charts]  # type: ignore[attr-defined]
        return marks if len(marks) == count and all(marks) else None

    return WebDriverWait(driver, WAIT).until(drawn)


def test_every_page_opens_and_draws_on_the_demo_warehouse(
    demo: Path, dashboard: str, browser: object, shots: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    _open(browser, dashboard, "Women among")  # the first page
    drawn = _charts(browser, 4)
    with Store(demo).connect() as con:
        choices = figures.choices(con)
        period = figures.Filters(choices.first, choices.last)  # the page's own default
        snapshot = figures.snapshot(con).id
        sources = figures.gender_figures(con, period, "source").overall()
        top = figures.top_sources(con, period, 1)["female"].to_pylist()[0]
    assert all(n >= len(choices.outlets) for n in drawn), drawn
    page = browser.find_element(By.TAG_NAME, "body").text  # type: ignore[attr-defined]
    assert f"Snapshot {snapshot}" in page
    assert f"{sources['women_pct']}%" in page
    _screenshot(browser, shots, "gender")

    _open(browser, f"{dashboard}/sources", "Top sources")
    WebDriverWait(browser, WAIT).until(lambda d: _grid_has(d, top["name"]))
    _screenshot(browser, shots, "sources")

    _open(browser, f"{dashboard}/person?id={top['entity_id']}", "Person")
    assert top["name"] in browser.find_element(By.TAG_NAME, "h2").text  # type: ignore[attr-defined]
    _charts(browser, 1)
    _screenshot(browser, shots, "person")

    _open(browser, f"{dashboard}/runs", "Runs")
    assert "Rejects by reason" in browser.find_element(By.TAG_NAME, "body").text  # type: ignore[attr-defined]
    _screenshot(browser, shots, "runs")


def _grid_has(driver: object, text: str) -> bool:
    """Streamlit draws tables on a canvas; their cells are also in an accessible grid, drawn a
    moment later."""
    from selenium.webdriver.common.by import By

    cells = driver.find_elements(By.CSS_SELECTOR, '[role="gridcell"]')  # type: ignore[attr-defined]
    return any(text in (cell.get_attribute("textContent") or "") for cell in cells)


def test_a_quote_opens_its_article_with_the_quote_highlighted(
    demo: Path, dashboard: str, browser: object, shots: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    _open(browser, f"{dashboard}/quotes", "Quotes")
    _screenshot(browser, shots, "quotes")
    link = browser.find_elements(By.CSS_SELECTOR, '[data-testid="stPageLink"] a')[1]  # type: ignore[attr-defined]
    linked = parse_qs(urlsplit(link.get_attribute("href")).query)
    quote_id, article_id = linked["quote"][0], linked["article"][0]
    link.click()
    WebDriverWait(browser, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, "mark.quote"))
    with Store(demo).connect() as con:
        quote = figures.quote_in_article(con, quote_id, article_id)
    assert quote is not None
    marked = browser.find_element(By.CSS_SELECTOR, "mark.quote")  # type: ignore[attr-defined]
    assert marked.text == quote["quote"]
    assert quote["headline"] in browser.find_element(By.TAG_NAME, "h1").text  # type: ignore[attr-defined]
    if quote["speaker_text"] and browser.find_elements(By.CSS_SELECTOR, "mark.speaker"):  # type: ignore[attr-defined]
        speaker = browser.find_element(By.CSS_SELECTOR, "mark.speaker").text  # type: ignore[attr-defined]
        assert speaker == quote["speaker_text"]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", marked)  # type: ignore[attr-defined]
    _screenshot(browser, shots, "quote")


def test_the_report_opens_with_the_network_off(
    demo: Path, browser: object, shots: Path, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    out = tmp_path / "report.html"
    result = newsflow(
        "report", "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(out), home=demo
    )
    assert result.returncode == 0, result.stdout + result.stderr
    html = out.read_text()
    assert "<script" not in html and " src=" not in html and "<link" not in html
    browser.execute_cdp_cmd("Network.enable", {})  # type: ignore[attr-defined]
    browser.execute_cdp_cmd(  # type: ignore[attr-defined]
        "Network.emulateNetworkConditions",
        {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0},
    )
    try:
        browser.get(out.as_uri())  # type: ignore[attr-defined]
        charts = browser.find_elements(By.CSS_SELECTOR, ".charts svg")  # type: ignore[attr-defined]
        assert len(charts) == 4
        assert all(c.size["width"] > 300 and c.size["height"] > 100 for c in charts)
        fetched = browser.execute_script("return performance.getEntriesByType('resource').length")  # type: ignore[attr-defined]
        assert fetched == 0
        with Store(demo).connect() as con:
            snapshot = figures.snapshot(con).id
        assert f"snapshot {snapshot}" in browser.find_element(By.TAG_NAME, "body").text  # type: ignore[attr-defined]
        _screenshot(browser, shots, "report")
    finally:
        browser.execute_cdp_cmd(  # type: ignore[attr-defined]
            "Network.emulateNetworkConditions",
            {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
        )
