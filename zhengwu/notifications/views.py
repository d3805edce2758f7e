"""The message centre (/messages/): my messages, mark read."""

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from zhengwu.core.bounds import is_id_text
from zhengwu.core.access import AUTHENTICATED, access
from zhengwu.core.errors import NotFound

from . import selectors, services


@access(AUTHENTICATED)
@require_safe
def message_centre(request):
    before = request.GET.get("before", "")
    before_id = int(before) if is_id_text(before) else None
    rows = selectors.message_list(user=request.user, before_id=before_id, limit=selectors.MESSAGE_PAGE_SIZE + 1)
    has_more = len(rows) > selectors.MESSAGE_PAGE_SIZE
    rows = rows[: selectors.MESSAGE_PAGE_SIZE]
    return render(request, "notifications/message_centre.html", {
        "messages_list": rows,
        "next_before": rows[-1].pk if has_more else None,
    })


@access(AUTHENTICATED)
@require_POST
def message_read(request, message_id):
    try:
        message = services.message_mark_read(actor=request.user, message_id=message_id)
    except NotFound:
        raise Http404("消息不存在") from None
    # "查看" on a message with a link opens it; "标为已读" stays on the list.
    if request.POST.get("open") and message.link:
        return HttpResponseRedirect(message.link)
    return HttpResponseRedirect(reverse("notifications:centre"))


@access(AUTHENTICATED)
@require_POST
def messages_read_all(request):
    services.messages_mark_all_read(actor=request.user)
    return HttpResponseRedirect(reverse("notifications:centre"))
