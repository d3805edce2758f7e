"""Read the staff workbench as rendered: each app's counter tests use this (issue 16 item 5)."""

from __future__ import annotations

import lxml.html

from zhengwu.accounts.tests.mfa_helpers import login_verified


def workbench_read(client, user) -> tuple[dict[str, tuple[int, int, int]], list[str], dict[str, str]]:
    """Sign ``user`` in and open /office/: (待办, 预警, 逾期) per module key as shown on the
    cards, the texts of today's deadlines, and each module's link."""
    client.logout()
    login_verified(client, user)
    response = client.get("/office/")
    assert response.status_code == 200, response.content[:300]
    page = lxml.html.fromstring(response.content.decode())
    counts, links = {}, {}
    for card in page.xpath("//*[@data-module]"):
        key = card.get("data-module")
        counts[key] = tuple(
            int(card.xpath(f'.//*[@data-count="{c}"]')[0].text_content()) for c in ("todo", "warning", "overdue"))
        links[key] = card.xpath(".//a")[0].get("href")
    deadlines = [li.text_content().strip() for li in page.xpath("//*[@data-deadlines]//li")]
    return counts, deadlines, links
