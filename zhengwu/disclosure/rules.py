"""Download rule for disclosure attachments (purpose "disclosure:attachment").

Attachments of a published record are public information; anonymous visitors get them
through ``disclosure:attachment`` and signed-in users also through ``/files/<uuid>/``.
Until publication (and after withdrawal) only staff of the record's department may read them.
"""

from __future__ import annotations

from zhengwu.org import responsibility

from .models import Attachment, Status


def attachment_download_allowed(user, stored_file) -> bool:
    attachment = Attachment.objects.select_related("disclosure").filter(file_id=stored_file.pk).first()
    if attachment is None:
        return False
    disclosure = attachment.disclosure
    if disclosure.status == Status.PUBLISHED:
        return True
    return responsibility.acts_for(user, unit_id=disclosure.department_id)
