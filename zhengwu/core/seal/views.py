"""The public page that offers the county's root certificate for checking sealed notices.

A sealed notice verifies only against the county's own root, which no browser or
operating system trusts by itself; the citizen needs the certificate and its
fingerprint (to compare with what the viewer shows) from the government's own site.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..access import PUBLIC, access
from .certificates import certificate_der
from .selectors import seal_root_pem, seal_roots_published

FORMATS = {
    "pem": ("application/x-pem-file", "pem"),
    "der": ("application/pkix-cert", "cer"),
}


@access(PUBLIC)
@require_safe
def seal_root(request):
    return render(request, "core/seal_root.html", {"roots": seal_roots_published()})


@access(PUBLIC)
@require_safe
def seal_root_download(request, serial: str, fmt: str):
    pem = seal_root_pem(serial=serial)
    if pem is None or fmt not in FORMATS:
        raise Http404("未找到该根证书")
    content_type, extension = FORMATS[fmt]
    body = pem.encode() if fmt == "pem" else certificate_der(pem)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="zhengwu-seal-root-{serial[:16]}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
