"""Electronic seal (电子印章): county CA, department seal certificates, sealed PDF notices.

``certificates`` and ``notice_pdf`` are pure (no database); ``signing`` wraps pyHanko;
``services`` holds the audited writes and ``selectors`` the reads. Algorithm choice:
docs/adr/0002-seal-algorithm.md.
"""
