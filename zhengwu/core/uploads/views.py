"""Serving stored files: the only way their bytes leave the server."""

from urllib.parse import quote

from django.http import FileResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from ..access import AUTHENTICATED, PUBLIC, access
from ..errors import DomainError, NotFound, ValidationFailed
from ..ratelimit import rate_limit_check
from . import file_download_open
from .pending import pending_upload_create, pending_upload_discard, size_label, upload_owner_for

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "ofd": "application/ofd",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def content_disposition(name: str) -> str:
    """Build an attachment header: an ASCII fallback plus the UTF-8 name (RFC 6266 / 5987)."""
    ascii_name = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in name)
    ascii_name = ascii_name.strip() or "file"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


# Any signed-in person may ask; the purpose's download rule decides (404 when not theirs).
@access(AUTHENTICATED)
@require_GET
def file_download(request, file_id):
    try:
        stored, handle = file_download_open(actor=request.user, file_id=file_id)
    except NotFound as exc:
        # Same answer for "absent" and "not yours", so ids cannot be probed.
        if _wants_json(request):
            return JsonResponse(exc.as_dict(), status=404, json_dumps_params={"ensure_ascii": False})
        return render(request, "core/file_not_found.html", {"message": exc.message}, status=404)
    response = FileResponse(handle, content_type=CONTENT_TYPES.get(stored.kind, "application/octet-stream"))
    response["Content-Disposition"] = content_disposition(stored.original_name)
    response["Content-Length"] = str(stored.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # Should a browser render it anyway, it gets no scripts and no same-origin access.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


# --- uploads on selection (issue 16) ---------------------------------------------------

PENDING_RATE = (60, 600)  # chosen files per owner per 10 minutes


def _json_error(exc, status=None):
    return JsonResponse(exc.as_dict(), status=status or exc.status, json_dumps_params={"ensure_ascii": False})


# Public: anonymous letters may carry attachments too; the file then belongs to the session.
@access(PUBLIC)
@require_POST
def pending_upload_create_view(request):
    """Store one chosen file for a form; answer its token, name and size as JSON."""
    field_name = (request.POST.get("field") or "")[:64]
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ValidationFailed("请选择要上传的文件", code="upload_none")
        owner = upload_owner_for(request)
        who = f"user:{owner.user_id}" if owner.user_id else f"session:{owner.session_hash}"
        rate_limit_check(key=f"files:pending:{who}", limit=PENDING_RATE[0], window_seconds=PENDING_RATE[1])
        row = pending_upload_create(owner=owner, upload=upload, field_name=field_name)
    except DomainError as exc:
        return _json_error(exc)
    stored = row.stored_file
    return JsonResponse(
        {"token": row.token, "name": stored.original_name, "size": size_label(stored.size), "field": row.field},
        status=201, json_dumps_params={"ensure_ascii": False},
    )


@access(PUBLIC)
@require_POST
def pending_upload_delete_view(request):
    """Remove one of the caller's pending files (the 移除 button)."""
    removed = pending_upload_discard(owner=upload_owner_for(request), token=(request.POST.get("token") or "")[:64])
    return JsonResponse({"removed": removed}, status=200 if removed else 404)
