"""The one upload service every module uses (cases, results, disclosure, disclosure requests, letters).

Public API::

    files_store(*, actor, uploads, purpose, owner=None, object_type="", object_id="") -> list[StoredFile]
    file_get(*, file_id) -> StoredFile | None
    file_list(*, object_type, object_id, include_deleted=False) -> QuerySet[StoredFile]
    file_download_open(*, actor, file_id) -> (StoredFile, binary file)   # audits; NotFound if refused
    file_delete(*, actor, stored_file) -> StoredFile                      # flag only, audited
    register_download_rule(purpose, rule)   # rule(user, stored_file) -> bool, from AppConfig.ready
    file_can_download(*, user, stored_file) -> bool
    owner_rule(user, stored_file) -> bool   # the default for unregistered purposes

Files are served only by the ``core:file_download`` view (``/files/<uuid>/``).
"""

from .rules import file_can_download, owner_rule, register_download_rule, unregister_download_rule
from .selectors import file_get, file_list
from .services import file_delete, file_download_open, files_store, files_sweep_orphans

__all__ = [
    "file_can_download",
    "file_delete",
    "file_download_open",
    "file_get",
    "file_list",
    "files_store",
    "files_sweep_orphans",
    "owner_rule",
    "register_download_rule",
    "unregister_download_rule",
]
