"""`make screens`: screenshots of every public and staff page at 1366 and 375 px wide.

Drives Debian's Chromium through Playwright (never downloads a browser) against a running
platform with the demo county loaded (`scripts/screens.sh` starts one on a temporary var
directory, or pass --url). Signs in as the demo citizen and the demo staff (second factor
from `manage.py demo_totp`, run with the same environment as the server), visits every
page named in PAGES below and writes docs/screens/<who>--<name>-<width>.png plus
docs/screens/README.md indexing them.

PAGES is the maintained list: one entry per GET page of the URL conf (feeds, file
downloads, exports and JSON endpoints are left out, see SKIPPED), each with a Chinese
name. Pages whose address holds an id are found by following the first matching link on
a list page, so the script needs no database access. `--check` lists the URL patterns
that are neither in PAGES nor in SKIPPED.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess  # nosec B404 - runs manage.py demo_totp, a fixed argument list
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
WIDTHS = (1366, 375)
MAX_HEIGHT = {1366: 2400, 375: 3200}  # full page, capped: the top of a long list says enough
PASSWORD = "Demo@2026zw"
CITIZEN = "110101199003070011"


@dataclass(frozen=True)
class Page:
    name: str  # Chinese name shown in the index
    slug: str  # file name part
    path: str  # the address, or the list page to find it on
    pattern: str = ""  # when set: follow the first link on ``path`` whose href matches


# Who sees which pages; "anon" is a visitor who is not signed in.
PAGES: dict[str, list[Page]] = {
    "anon": [
        Page("首页", "home", "/"),
        Page("政务公开", "gongkai", "/gongkai/"),
        Page("网上办事", "banshi", "/banshi/"),
        Page("公众参与", "canyu", "/canyu/"),
        Page("事项目录", "catalog", "/catalog/"),
        Page("按部门浏览事项", "catalog-departments", "/catalog/departments/"),
        Page("事项详情(含流程图)", "catalog-item", "/catalog/?category=power", r"^/catalog/items/[^/]+/$"),
        Page("全站搜索", "search", "/search/?q=%E4%BD%8F%E6%88%BF"),
        Page("政务公开目录", "disclosure-catalog", "/disclosure/catalog/"),
        Page("政府信息公开指南", "disclosure-guide", "/disclosure/guide/"),
        Page("公开信息详情", "disclosure-detail", "/gongkai/", r"^/disclosure/\d+/$"),
        Page("公开栏目", "disclosure-column", "/gongkai/", r"^/disclosure/columns/[^/]+/$"),
        Page("部门公开信息", "disclosure-department", "/disclosure/catalog/", r"^/disclosure/departments/[^/]+/$"),
        Page("依申请公开查询", "dr-query", "/disclosure-requests/query/"),
        Page("年度报告", "dr-reports", "/disclosure-reports/"),
        Page("年度报告全文", "dr-report", "/disclosure-reports/", r"^/disclosure-reports/\d{4}/$"),
        Page("写信", "letters", "/letters/"),
        Page("县长信箱写信", "letters-write", "/letters/", r"^/letters/write/[^/]+/$"),
        Page("信件查询", "letters-query", "/letters/query/"),
        Page("信件公开答复", "letters-replies", "/letters/replies/"),
        Page("公开答复详情", "letters-reply", "/letters/replies/", r"^/letters/replies/\d+/$"),
        Page("信件统计", "letters-stats", "/letters/statistics/"),
        Page("意见征集", "solicitations", "/canyu/zhengji/"),
        Page("意见征集详情", "solicitation", "/canyu/zhengji/", r"^/canyu/zhengji/\d+/$"),
        Page("网上调查", "questionnaires", "/canyu/diaocha/"),
        Page("网上调查详情", "questionnaire", "/canyu/diaocha/", r"^/canyu/diaocha/\d+/$"),
        Page("网上调查结果", "questionnaire-results", "/canyu/diaocha/", r"^/canyu/diaocha/\d+/results/$"),
        Page("网站群", "sitegroup", "/sitegroup/"),
        Page("网站群订阅源", "sitegroup-source", "/sitegroup/", r"^/sitegroup/sources/\d+/$"),
        Page("数据资源目录", "exchange-catalog", "/exchange/catalog/"),
        Page("数据资源详情", "exchange-entry", "/exchange/catalog/", r"^/exchange/catalog/\d+/$"),
        Page("数据提供部门", "exchange-departments", "/exchange/departments/"),
        Page("部门数据资源", "exchange-department", "/exchange/departments/", r"^/exchange/departments/[^/]+/$"),
        Page("办件查询", "case-status", "/cases/status/"),
        Page("电子印章核验", "seal", "/seal/"),
        Page("登录", "login", "/accounts/login/"),
        Page("注册", "register", "/accounts/register/"),
        Page("页面不存在", "not-found", "/no-such-page/"),
    ],
    "citizen": [
        Page("在线申请:选择事项", "apply-items", "/cases/apply/"),
        Page("在线申请:填写申请", "apply-form", "/cases/apply/", r"^/cases/apply/[^/]+/$"),
        Page("我的办件", "my-cases", "/cases/mine/"),
        Page("我的办件详情", "my-case", "/cases/mine/", r"^/cases/mine/[^/]+/$"),
        Page("依申请公开:申请", "dr-apply", "/disclosure-requests/apply/"),
        Page("我的公开申请", "dr-mine", "/disclosure-requests/mine/"),
        Page("公开申请详情", "dr-detail", "/disclosure-requests/mine/", r"^/disclosure-requests/[A-Z0-9-]+/$"),
        Page("我的信件", "letters-mine", "/letters/mine/"),
        Page("我的信件详情", "letters-mine-detail", "/letters/mine/", r"^/letters/mine/[^/]+/$"),
        Page("消息中心", "messages", "/messages/"),
        Page("我的账户", "me", "/accounts/me/"),
        Page("修改密码", "password", "/accounts/password/"),
    ],
    "gaj_banli": [
        Page("工作台", "office", "/office/"),
        Page("办件办理:待办", "cases-inbox", "/office/cases/"),
        Page("办件办理:详情", "cases-case", "/office/cases/", r"^/office/cases/[A-Z0-9-]+/$"),
        Page("备用恢复码", "mfa-recovery", "/accounts/mfa/recovery/"),
    ],
    "chuangkou": [
        Page("工作台(窗口人员)", "office", "/office/"),
        Page("窗口收件:选择事项", "window-items", "/cases/window/"),
        Page("窗口收件:填写", "window-apply", "/cases/window/", r"^/cases/window/[^/]+/$"),
    ],
    "zfb_bianji": [
        Page("政务公开信息管理", "disclosure-office", "/office/disclosure/"),
        Page("撰写公开信息", "disclosure-new", "/office/disclosure/new/"),
        Page("编辑公开信息", "disclosure-edit", "/office/disclosure/", r"^/office/disclosure/\d+/$"),
        Page("意见征集与网上调查", "participation-office", "/office/participation/"),
        Page("新建意见征集", "solicitation-new", "/office/participation/solicitations/new/"),
        Page("意见征集管理", "solicitation-manage", "/office/participation/", r"^/office/participation/solicitations/\d+/$"),
        Page("新建网上调查", "questionnaire-new", "/office/participation/questionnaires/new/"),
        Page("网上调查管理", "questionnaire-manage", "/office/participation/", r"^/office/participation/questionnaires/\d+/$"),
    ],
    "zfb_fabu": [
        Page("公开信息审核", "disclosure-review", "/office/disclosure/review/"),
        Page("网站健康检查", "site-health", "/office/site-health/"),
    ],
    "zfb_gongkai": [
        Page("依申请公开办理", "dr-inbox", "/office/disclosure-requests/"),
        Page("依申请公开:详情", "dr-staff-detail", "/office/disclosure-requests/", r"^/office/disclosure-requests/[A-Z0-9-]+/$"),
        Page("录入书面申请", "dr-window", "/office/disclosure-requests/new/"),
        Page("年度报告管理", "dr-report-list", "/office/disclosure-reports/"),
        Page("年度报告填报", "dr-report-edit", "/office/disclosure-reports/", r"^/office/disclosure-reports/\d{4}/$"),
    ],
    "xfj_fenban": [
        Page("信件办理", "letters-inbox", "/office/letters/"),
        Page("信件详情", "letters-detail", "/office/letters/?view=all", r"^/office/letters/\d+/$"),
        Page("信件公开", "letters-publication", "/office/letters/?view=all", r"^/office/letters/\d+/$", ),
        Page("敏感词维护", "letters-words", "/office/letters/words/"),
    ],
    "jcj_jiancha": [
        Page("电子监察", "supervision", "/office/supervision/"),
        Page("预警", "supervision-alerts", "/office/supervision/alerts/"),
        Page("故障", "supervision-faults", "/office/supervision/faults/"),
        Page("督办单", "supervision-orders", "/office/supervision/orders/"),
        Page("民意分析", "insights", "/office/insights/"),
        Page("分办建议准确率", "routing", "/office/routing/"),
        Page("差评整改", "rectifications", "/office/rectifications/"),
    ],
    "gaj_shenpi": [
        Page("我的督办单", "my-orders", "/office/supervision/orders/mine/"),
    ],
    "dzzwb_shuju": [
        Page("数据共享交换", "exchange-office", "/office/exchange/"),
        Page("共享交换统计", "exchange-dashboard", "/office/exchange/dashboard/"),
        Page("新增数据资源", "exchange-resource-new", "/office/exchange/resources/new/"),
        Page("访问密钥", "exchange-keys", "/office/exchange/keys/"),
        Page("访问统计(接口)", "exchange-usage", "/office/exchange/usage/"),
    ],
    "yunwei": [
        Page("运维服务台", "operations", "/office/operations/"),
        Page("故障工单", "operations-ticket", "/office/operations/", r"^/office/operations/[A-Z0-9-]+/$"),
    ],
    "xitong": [
        Page("办理流程配置", "processes", "/office/cases/processes/"),
        Page("编辑办理流程", "process-edit", "/office/cases/processes/", r"^/office/cases/processes/[^/]+/$"),
        Page("搜索同义词词典", "search-office", "/office/search/"),
        Page("编辑同义词", "search-synonym", "/office/search/", r"^/office/search/synonyms/\d+/$"),
        Page("访问统计", "webstats", "/office/webstats/"),
        Page("网站群订阅源管理", "sitegroup-manage", "/office/sitegroup/"),
    ],
    "anquan": [
        Page("重置动态口令", "mfa-reset", "/accounts/mfa/reset/"),
    ],
    "shenji": [
        Page("审计记录", "audit", "/office/audit/"),
    ],
    # Elderly mode (长辈模式) on a public and a staff page: the same accounts with the cookie set.
    "anon@elderly": [
        Page("首页(长辈模式)", "home", "/"),
        Page("事项详情(长辈模式)", "catalog-item", "/catalog/?category=power", r"^/catalog/items/[^/]+/$"),
    ],
    "gaj_banli@elderly": [
        Page("工作台(长辈模式)", "office", "/office/"),
        Page("办件办理:待办(长辈模式)", "cases-inbox", "/office/cases/"),
    ],
}

# GET routes of the URL conf that are not pages (or are the same page under another address).
SKIPPED = {
    "files/<uuid:file_id>/", "seal/root/<str:serial>.<str:fmt>", "cases/items/<str:code>/flow.bpmn",
    "accounts/session/keepalive/", "accounts/users/<int:user_id>/unmask/", "accounts/logout/",
    "accounts/mfa/", "accounts/mfa/enrol/", "elderly/", "healthz", "readyz", "metrics",
    "messages/<int:message_id>/read/", "messages/read-all/", "disclosure/attachments/<uuid:file_id>/",
    "disclosure-reports/<int:year>/export.<str:fmt>", "office/disclosure-reports/<int:year>/export.<str:fmt>",
    "office/insights/export/", "office/participation/questionnaires/<int:questionnaire_id>/export.xlsx",
    "letters/submitted/", "cases/mine/<str:receipt_no>/resubmit/", "ratings/cases/<str:receipt_no>/",
    "disclosure-requests/<str:receipt_no>/correction/", "disclosure/items/<str:code>/",
    "office/exchange/resources/<int:pk>/loads/<int:run_id>/", "office/exchange/resources/<int:pk>/request/",
    "office/exchange/resources/<int:pk>/correction/", "office/letters/<int:letter_id>/publication/",
    "cases/agent/", "cases/agent/<str:code>/", "office/operations/oncall/",  # 代办: no demo agent post
}


def _post_only(view) -> bool:
    """Whether the view is decorated @require_POST (read from its module's source)."""
    import inspect

    name = getattr(view, "__name__", "")
    try:
        source = inspect.getsource(sys.modules[view.__module__])
    except (KeyError, OSError, TypeError):
        return False
    found = re.search(r"((?:@[^\n]*\n)+)def " + re.escape(name) + r"\(", source)
    return bool(found and "@require_POST" in found.group(1))


def url_patterns() -> list[str]:
    """The URL conf's routes outside /admin/ and /api/ (for --check)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengwu.settings")
    import django
    from django.urls import get_resolver

    django.setup()
    out: list[str] = []

    def walk(resolver, prefix=""):
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if hasattr(entry, "url_patterns"):
                walk(entry, route)
            elif not route.startswith(("admin/", "api/")) and "feeds/" not in route and not _post_only(entry.callback):
                out.append(route)

    walk(get_resolver())
    return out


def uncovered(routes: list[str]) -> list[str]:
    """Routes neither listed in PAGES (directly, or through a link pattern that matches a
    sample address of the route) nor in SKIPPED."""
    listed = {p.path.split("?")[0] for pages in PAGES.values() for p in pages if not p.pattern}
    patterns = [p.pattern for pages in PAGES.values() for p in pages if p.pattern]
    missing = []
    for route in routes:
        if route in SKIPPED:
            continue
        sample = "/" + re.sub(r"<int:[^>]+>", "2026", re.sub(r"<(str:)?[^>]+>", "A1", route)) if "<int:" not in route \
            else "/" + re.sub(r"<str:[^>]+>", "A1", re.sub(r"<int:[^>]+>", "2026", route))
        if sample in listed or any(re.match(p, sample) for p in patterns):
            continue
        missing.append(route)
    return missing


def totp(username: str) -> str:
    """The demo account's current code, from manage.py demo_totp (same environment as the server)."""
    result = subprocess.run(  # nosec B603 - fixed argument list, username from PAGES
        [sys.executable, str(ROOT / "manage.py"), "demo_totp", username],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )
    found = re.search(r"(\d{6})\s*$", result.stdout.strip())
    if not found:
        raise SystemExit(f"demo_totp {username}: no code in {result.stdout!r} {result.stderr!r}")
    return found.group(1)


def sign_in(page, base: str, who: str) -> None:
    account = who.split("@")[0]
    if account == "anon":
        return
    username = CITIZEN if account == "citizen" else account
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    if "/accounts/mfa/" in page.url:
        page.fill("input[name=token]", totp(username))
        page.get_by_role("button", name="验证").click()
        page.wait_for_load_state()
    if "/accounts/privacy/consent/" in page.url:
        # Demo citizens have no consent record yet: they agree once, as a real one would.
        page.locator("input[name=agree], input[type=checkbox]").first.check()
        page.get_by_role("button", name="同意并继续").click()
        page.wait_for_load_state()
    if "/accounts/login/" in page.url or "/accounts/mfa/" in page.url:
        raise SystemExit(f"{who}: sign-in failed at {page.url}")


def resolve(page, base: str, entry: Page) -> str | None:
    if not entry.pattern:
        return entry.path
    page.goto(base + entry.path)
    for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
        path = href.split("#")[0]
        if path.startswith(base):
            path = path[len(base):]
        if re.match(entry.pattern, path.split("?")[0]):
            if entry.slug == "letters-publication":
                return path.split("?")[0] + "publication/"
            return path
    return None


def shoot(page, out: Path, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900 if width > 500 else 800})
    page.wait_for_timeout(150)
    # ECharts animates its series for about a second after a resize: a shot taken earlier
    # shows half-drawn lines and bars that contradict the table beside them.
    if page.evaluate("document.querySelector('[_echarts_instance_]') !== null"):
        page.wait_for_timeout(1500)
    height = page.evaluate("Math.ceil(document.documentElement.scrollHeight)")
    page.screenshot(path=str(out), full_page=True,
                    clip={"x": 0, "y": 0, "width": width, "height": min(height, MAX_HEIGHT[width])})


def compress(path: Path) -> None:
    """A 256-colour PNG: UI screenshots lose nothing visible and shrink about threefold."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def run(base: str, out_dir: Path, only: set[str] | None) -> list[tuple[str, Page, str | None, list[str]]]:
    from playwright.sync_api import sync_playwright

    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.png"):
        if only is None or old.name.split("--")[0] in {o.replace("@", "-") for o in only}:
            old.unlink()
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=os.environ.get("ZHENGWU_CHROMIUM", "/usr/bin/chromium"),
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
        )
        for who, pages in PAGES.items():
            if only and who not in only:
                continue
            context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
            if who.endswith("@elderly"):
                context.add_cookies([{"name": "zw_elderly", "value": "1", "url": base}])
            page = context.new_page()
            problems: list[str] = []
            page.on("pageerror", lambda exc, problems=problems: problems.append(str(exc)))
            sign_in(page, base, who)
            for entry in pages:
                problems.clear()
                path = resolve(page, base, entry)
                if path is None:
                    print(f"  ! {who} {entry.name}: no link matching {entry.pattern} on {entry.path}")
                    rows.append((who, entry, None, ["未找到可用的示例链接"]))
                    continue
                response = page.goto(base + path)
                status = response.status if response else 0
                files = []
                for width in WIDTHS:
                    name = f"{who.replace('@', '-')}--{entry.slug}-{width}.png"
                    shoot(page, out_dir / name, width)
                    compress(out_dir / name)
                    files.append(name)
                note = [f"HTTP {status}"] if status >= 400 and entry.slug != "not-found" else []
                rows.append((who, entry, path, note + problems[:2] + files))
                print(f"  {who:12} {status} {path}")
            context.close()
        browser.close()
    return rows


WHO = {
    "anon": "访客(未登录)", "citizen": "群众 张三", "gaj_banli": "县公安局 承办人", "chuangkou": "窗口人员",
    "zfb_bianji": "县政府办 信息员", "zfb_fabu": "县政府办 审核员", "zfb_gongkai": "依申请公开经办人",
"xfj_fenban": "县信访局 信件分办员", "jcj_jiancha": "县监察委员会 监察人员",
    "gaj_shenpi": "县公安局 审批人", "dzzwb_shuju": "县电子政务办 数据管理员", "yunwei": "运维人员",
    "xitong": "系统管理员", "anquan": "安全管理员", "shenji": "审计管理员",
}


def write_index(out_dir: Path, rows) -> None:
    """The index of every listed page, with the shots on disk (an --only run keeps the others)."""
    notes = {(who, entry.slug): (path, info) for who, entry, path, info in rows}
    lines = [
        "# 页面截图", "",
        "由 `make screens` 生成(`scripts/screens.py`):演示数据下每个公开页面和工作台页面,"
        "宽度 1366 px(桌面)和 375 px(手机),整页截图,过长的页面截取上部。"
        "“长辈模式”两组是同一页面打开长辈模式后的样子。", "",
        "| 账户 | 页面 | 地址 | 1366 px | 375 px |", "|---|---|---|---|---|",
    ]
    for who, pages in PAGES.items():
        account, _, mode = who.partition("@")
        label_who = WHO.get(account, account) + ("(长辈模式)" if mode else "")
        for entry in pages:
            path, info = notes.get((who, entry.slug), (None, []))
            files = [f"{who.replace('@', '-')}--{entry.slug}-{w}.png" for w in WIDTHS]
            cells = [f"[查看]({f})" if (out_dir / f).exists() else "—" for f in files]
            extra = [i for i in info if not i.endswith(".png")]
            if all(c == "—" for c in cells) and not extra:
                extra = ["演示数据中没有可用的示例"]
            label = entry.name + (f"({';'.join(extra)})" if extra else "")
            lines.append(f"| {label_who} | {label} | `{path or entry.path}` | {' | '.join(cells)} |")
    (out_dir / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("SCREENS_URL", ""), help="a running platform with the demo")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screens"))
    parser.add_argument("--only", default="", help="comma-separated accounts (anon, citizen, gaj_banli …)")
    parser.add_argument("--check", action="store_true", help="list URL-conf routes missing from PAGES")
    args = parser.parse_args()
    if args.check:
        missing = uncovered(url_patterns())
        print("\n".join(missing) or "every page route is listed")
        raise SystemExit(1 if missing else 0)
    if not args.url:
        raise SystemExit("--url is required (scripts/screens.sh starts a platform and passes it)")
    rows = run(args.url.rstrip("/"), Path(args.out), set(filter(None, args.only.split(","))) or None)
    write_index(Path(args.out), rows)
    print(f"{sum(1 for r in rows if r[2])} pages, index in {Path(args.out) / 'README.md'}")


if __name__ == "__main__":
    main()
