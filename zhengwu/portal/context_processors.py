"""The staff workbench's frame (side navigation, who is signed in), built only when a page
that extends ``portal/office_base.html`` renders it."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from zhengwu.core.registries import portal as extensions
from zhengwu.org import responsibility
from zhengwu.org.roles import Role

ROLE_LABELS = dict(Role.choices)


@dataclass
class NavLink:
    label: str
    url: str
    current: bool = False


@dataclass
class OfficeShell:
    posts: responsibility.Posts
    assignments: list[tuple[str, str]]  # (unit name, role) of each post held
    nav: list[NavLink] = field(default_factory=list)
    account: list[NavLink] = field(default_factory=list)
    links: list = field(default_factory=list)  # the registered module links (常用入口)

    @property
    def posts_label(self) -> str:
        """单位·岗位 of every post held, for the frame's header."""
        return ";".join(f"{unit}·{ROLE_LABELS.get(role, role)}" for unit, role in self.assignments)


def _mark_current(links: list[NavLink], path: str) -> None:
    # The longest link that starts the path is the current one (/office/cases/ under /office/);
    # the workbench home only on itself, not for every page of a module without a link.
    home = reverse("portal:office")
    best = max((link for link in links if path.startswith(link.url) and (link.url != home or path == home)),
               key=lambda link: len(link.url), default=None)
    if best is not None:
        best.current = True


def office_shell_for(request) -> OfficeShell:
    """The posts with their units, and ``org.responsibility``'s reading of them (read
    once per request and shared with the access rule, see ``assignment_rows``).
    Kept on the request, so the workbench home reuses the posts its frame loaded."""
    cached = getattr(request, "_office_shell", None)
    if cached is not None:
        return cached
    user = request.user
    assignments = responsibility.post_titles(user)
    posts = responsibility.posts_for(user)
    nav = [NavLink("工作台首页", reverse("portal:office"))]
    if posts.holds():
        nav.append(NavLink("办件办理", reverse("cases_staff:inbox")))
    links = extensions.office_links(user, posts)
    nav += [NavLink(link.label, link.url) for link in links]
    if posts.holds(Role.AUDIT_ADMIN):
        nav.append(NavLink("审计记录", reverse("portal:office_audit")))
    if posts.holds(Role.SECURITY_ADMIN):
        nav.append(NavLink("重置动态口令", reverse("accounts:mfa_reset")))
    if user.is_staff:
        nav.append(NavLink("管理后台", reverse("admin:index")))
    account = [
        NavLink("修改密码", reverse("accounts:password_change")),
        NavLink("备用恢复码", reverse("accounts:mfa_recovery")),
    ]
    _mark_current(nav + account, request.path)
    request._office_shell = OfficeShell(posts=posts, assignments=assignments, nav=nav, account=account, links=links)
    return request._office_shell


def office_shell(request):
    """``office_shell`` for staff, computed on first use only (public pages never touch it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(user, "kind", "") != "staff":
        return {}
    return {"office_shell": SimpleLazyObject(lambda: office_shell_for(request))}
