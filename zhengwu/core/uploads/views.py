"""Serving stored files: the only way their bytes leave the server."""

from urllib.parse import quote

from django.http import FileResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..access import AUTHENTICATED, access
from ..errors import NotFound
from . import file_download_open

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
