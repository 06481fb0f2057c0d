"""The big screen in a real browser against a real server: loads, matches the snapshot API,
moves as events arrive, speaks English on request."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.web.server import ServerProcess, caopan

ARTEFACTS = Path(__file__).resolve().parents[2] / "out" / "test-artifacts"
T0 = 1_788_264_000_000


def enter(i: int) -> dict[str, object]:
    return {
        "event_id": f"in{i}",
        "session_id": "scr",
        "ts": T0 + i * 1000,
        "type": "enter",
        "user_id": f"u{i}",
        "source": "recommend",
    }


def post(server: ServerProcess, token: str, events: list[dict[str, object]]) -> None:
    body = b"".join(json.dumps(e).encode() + b"\n" for e in events)
    answer = httpx.post(
        f"{server.url}/api/sessions/scr/events",
        content=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, str]]:
    db = tmp_path_factory.mktemp("screen") / "store.duckdb"
    caopan(db, "provider", "add", "p1", "--name", "星火")
    token = caopan(db, "token", "create", "--provider", "p1")
    server = ServerProcess(db)
    server.start()
    post(
        server,
        token,
        [
            {"event_id": "start", "session_id": "scr", "ts": T0, "type": "live_start"},
            *[enter(i) for i in range(1, 21)],
        ],
    )
    yield server, token
    server.stop()


def card(page: Any, metric: str) -> str:
    return str(page.inner_text(f'.card[data-metric="{metric}"] .value'))


def card_is(metric: str, op: str, text: str) -> str:
    """A JS condition on a headline card's text."""
    node = f"document.querySelector(\".card[data-metric='{metric}'] .value\")"
    return f"{node}.textContent {op} '{text}'"


SIZE = "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"


def test_the_screen_shows_the_snapshot_and_moves(browser: Any, live) -> None:
    server, token = live
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{server.url}/screen/scr")
    page.wait_for_function(card_is("watch_uv", "!==", "—"))
    snapshot = httpx.get(f"{server.url}/api/sessions/scr/snapshot", timeout=30).json()
    assert card(page, "watch_uv") == f"{snapshot['metrics']['watch_uv']:,}" == "20"
    assert page.inner_text('.m[data-metric="impression_uv"] .n') == "直播间曝光人数"
    assert page.locator(".m").count() == 42

    post(server, token, [enter(i) for i in range(21, 31)])
    page.wait_for_function(card_is("watch_uv", "===", "30"), timeout=15_000)
    assert errors == []
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "screen.png"))
    size = page.evaluate(SIZE)
    assert size == [1920, 1080], "no scrollbars at 1920×1080"


def test_english_and_small_screens(browser: Any, live) -> None:
    server, _ = live
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{server.url}/screen/scr?lang=en")
    page.wait_for_function("document.querySelectorAll('.m').length === 42")
    assert page.inner_text('.m[data-metric="watch_uv"] .n') == "Viewers (entered)"
    size = page.evaluate(SIZE)
    assert size == [1280, 720], "the stage scales down without scrollbars"


def test_home_page_links_screen_and_review(browser: Any, live) -> None:
    server, _ = live
    page = browser.new_page()
    page.goto(server.url + "/")
    assert page.locator('a[href="/screen/scr"]').count() == 1
    page.click('a[href="/review/scr"]')
    page.wait_for_selector("#trend canvas")
    assert page.inner_text("h1").startswith("复盘")


def test_comments_and_hot_words_match_the_api(browser: Any, live) -> None:
    server, token = live
    texts = ["多少钱", "主播多少钱啊", "怎么还没上链接", "上链接", "多少钱？尺码怎么选"]
    post(
        server,
        token,
        [
            {
                "event_id": f"cm{i}",
                "session_id": "scr",
                "ts": T0 + 40_000 + i * 1000,
                "type": "comment",
                "user_id": f"u{i + 1}",
                "text": text,
            }
            for i, text in enumerate(texts)
        ],
    )
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{server.url}/screen/scr")
    page.wait_for_selector(".word[data-word='多少钱']:not([hidden])", timeout=15_000)
    panel = httpx.get(f"{server.url}/api/sessions/scr/comments?minutes=5", timeout=30).json()
    shown = page.eval_on_selector_all(
        "#hot-words .word:not([hidden])", "els => els.map(e => e.innerText.replace(/\\s+/g, ''))"
    )
    assert shown == [f"{w['word']}×{w['count']}" for w in panel["hot"]["words"]]
    assert shown[:2] == ["多少钱×3", "上链接×2"]
    lines = page.eval_on_selector_all(
        "#comment-list li:not([hidden]) span", "els => els.map(e => e.textContent)"
    )
    assert lines == [c["text"] for c in panel["latest"]][:8] == list(reversed(texts))
    assert page.inner_text(".comments .hot h4").startswith("评论热词")
    assert page.evaluate(SIZE) == [1920, 1080]
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "screen-comments.png"))
    english = browser.new_page(viewport={"width": 1920, "height": 1080})
    english.goto(f"{server.url}/screen/scr?lang=en")
    english.wait_for_selector(".word[data-word='多少钱']:not([hidden])", timeout=15_000)
    assert english.inner_text(".comments .latest h4") == "Latest comments"


def test_the_board_tags_low_and_sold_out_stock(browser: Any, tmp_path: Path) -> None:
    import duckdb

    db = tmp_path / "stock.duckdb"
    caopan(db, "provider", "add", "p1", "--name", "星火")
    token = caopan(db, "token", "create", "--provider", "p1")
    with duckdb.connect(str(db)) as con:
        con.execute(
            "insert into products (product_id, merchant_id, name, price_fen, stock) "
            "values ('p1', 'm1', '围巾', 9900, 2), ('p2', 'm1', '帽子', 5900, 12)"
        )
    server = ServerProcess(db)
    server.start()
    try:
        orders = [
            {
                "event_id": f"{kind}{i}",
                "session_id": "scr",
                "ts": T0 + i * 1000 + (kind == "pay"),
                "type": "order_created" if kind == "new" else "order_paid",
                "user_id": f"u{i}",
                "product_id": product,
                "order_id": f"o{i}",
                "quantity": quantity,
                "amount_fen": 100 * quantity,
            }
            for i, (product, quantity) in enumerate([("p1", 2), ("p2", 3)])
            for kind in ("new", "pay")
        ]
        start = {"event_id": "start", "session_id": "scr", "ts": T0 - 1, "type": "live_start"}
        post(server, token, [start, *orders])
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        page.goto(f"{server.url}/screen/scr")
        page.wait_for_selector("#products .tag.low", timeout=15_000)
        tags = page.eval_on_selector_all(
            "#products .tag.low", "els => els.map(e => [e.dataset.stock, e.textContent])"
        )
        assert sorted(tags) == [["0", "售罄"], ["9", "库存告急 9"]]
    finally:
        server.stop()


def test_alert_thresholds_are_set_from_the_screen(browser: Any, live) -> None:
    server, token = live
    url = f"{server.url}/api/sessions/scr/alert-thresholds"
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{server.url}/screen/scr")
    page.click("#settings-open")
    page.wait_for_function("document.querySelector('input[name=refund_rate]').value !== ''")
    assert page.input_value("input[name=refund_rate]") == "30"  # 0.30 shown as a percentage
    assert page.input_value("input[name=ad_min_cost_fen]") == "100.00"  # 10,000 fen in 元
    page.fill("input[name=refund_rate]", "12.5")
    page.fill("input[name=ad_min_cost_fen]", "250.05")
    page.fill("input[name=unpaid_orders]", "8")
    page.fill("#settings-token", "")
    page.click("#settings-save")
    assert "令牌" in page.inner_text("#settings-msg")  # nothing is sent without a token
    page.fill("#settings-token", "wrong-token")
    page.click("#settings-save")
    page.wait_for_function("document.querySelector('#settings-msg').className.includes('bad')")
    assert httpx.get(url).json()["thresholds"]["unpaid_orders"] == 5  # refused: unchanged
    page.fill("input[name=unpaid_orders]", "8.5")
    page.fill("#settings-token", token)
    page.click("#settings-save")
    assert "✗" in page.inner_text("#settings-msg")  # a count must be whole
    page.fill("input[name=unpaid_orders]", "8")
    page.click("#settings-save")
    page.wait_for_function("document.querySelector('#settings-msg').className.includes('good')")
    stored = httpx.get(url).json()["thresholds"]
    assert stored["refund_rate"] == 0.125 and stored["ad_min_cost_fen"] == 25_005
    assert stored["unpaid_orders"] == 8 and stored["stock_left"] == 0
    page.click("#settings-close")
    page.reload()  # the token is remembered on this screen; the values are read back
    page.click("#settings-open")
    page.wait_for_function("document.querySelector('input[name=unpaid_orders]').value === '8'")
    assert page.input_value("#settings-token") == token
    assert page.input_value("input[name=ad_min_cost_fen]") == "250.05"
    assert errors == []
    httpx.put(
        url,
        json={"refund_rate": 0.3, "ad_min_cost_fen": 10_000, "unpaid_orders": 5},
        headers={"Authorization": f"Bearer {token}"},
    )  # leave the module's server as found
    page.close()
