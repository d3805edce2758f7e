"""Registries that apps fill from their ``AppConfig.ready`` so that every import points down.

An app never imports the app that shows, indexes, watches or loads its content; it
registers a callable here and the upper (or sibling) app reads the registry. One module
per extension point:

* ``portal``: home/section panels and staff work-page links (``register_section_panel``,
  ``register_office_link``);
* ``search``: searchable document sources (``register_search_source``) and the indexer
  the search app plugs in (``register_search_indexer``); services call
  ``search_index_later``;
* ``demo``: demo-county loaders (``register_demo_loader``) and the demo data reader;
* ``hooks``: reactions to another app's events (``register_hook(CASE_ACTED, fn)``,
  ``register_hook(LETTER_CHANGED, fn)``);
* ``annual_report``: figures other apps contribute to the disclosure annual report
  (``register_report_figure``);
* ``moderation``: the public-text word filter (``register_word_filter``);
* ``public_content``: which audit actions change cached public pages
  (``register_public_actions``).

Typed owner references (``zhengwu.core.owners``) are a registry of the same kind.
"""
