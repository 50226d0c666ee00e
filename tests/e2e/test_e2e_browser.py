"""The chat page in headless Chromium (Debian's, through Playwright): ask, read the
answer with numbered citations, open a citation to see the quoted span highlighted in
its document, ask a follow-up, start a new conversation. Saves tests/artifacts/chat.png."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def page(server):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1180, "height": 960})
        if server.key:
            context.add_init_script(f"localStorage.setItem('apiKey', {json.dumps(server.key)})")
        page = context.new_page()
        page.set_default_timeout(30_000)
        yield page
        browser.close()


def finished_turns(page, n: int):
    page.wait_for_function(f"document.querySelectorAll('.turn[data-done=true]').length >= {n}")
    return page.locator(".turn")


def test_chat_page_answers_cites_and_starts_over(page, server, artifacts):
    from playwright.sync_api import expect

    page.goto(server.url + "/")
    expect(page).to_have_title("Battery partnerships assistant")
    page.fill("#question", "When does the Dunkirk gigafactory become operational?")
    page.click("#ask")
    first = finished_turns(page, 1).nth(0)
    expect(first.locator(".answer")).to_contain_text("2025")
    expect(first.locator(".badges")).to_contain_text("2025")
    assert first.locator(".citation").count() >= 1

    first.locator(".cite-ref").first.click()  # the [1] marker in the text opens source 1
    mark = first.locator(".citation").first.locator(".context mark")
    expect(mark).to_be_visible()
    quote = first.locator(".citation").first.locator(".quote").inner_text().strip("“”")
    assert mark.inner_text() == quote and "2025" in quote
    context_text = first.locator(".citation").first.locator(".context").inner_text()
    assert len(context_text) > len(quote) + 100  # the span is shown inside its surroundings

    page.fill("#question", "Which vehicle gets them first?")
    page.press("#question", "Enter")
    second = finished_turns(page, 2).nth(1)
    expect(second.locator(".answer")).to_contain_text("C-Crossover GT")
    second.locator(".citation-toggle").first.click()
    expect(second.locator(".context mark").first).to_be_visible()
    conversation = page.evaluate("localStorage.getItem('conversationId')")
    assert conversation

    page.reload()  # the conversation is restored from the server
    expect(page.locator(".turn")).to_have_count(2)
    second = finished_turns(page, 2).nth(1)
    second.locator(".citation-toggle").first.click()
    expect(second.locator(".context mark").first).to_be_visible()
    page.set_viewport_size({"width": 1180, "height": 1500})  # the whole exchange, composer at the bottom
    page.screenshot(path=str(artifacts / "chat.png"))

    page.click("#new-conversation")
    expect(page.locator(".turn")).to_have_count(0)
    assert page.evaluate("localStorage.getItem('conversationId')") is None
    page.click(".suggestion >> nth=1")  # a suggested question starts the new conversation
    third = finished_turns(page, 1).nth(0)
    expect(third.locator(".answer")).to_contain_text("C-Crossover GT")
    assert page.evaluate("localStorage.getItem('conversationId')") not in (None, conversation)
