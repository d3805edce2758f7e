"""Writes of the search app: index maintenance and the hot-word counter."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from django.db import IntegrityError, transaction

logger = logging.getLogger("zhengwu.search")


def search_index_enqueue(doc_type: str, doc_id) -> None:
    """Queue the (re)indexing of one document; called after commit by ``search_index_later``."""
    from .tasks import search_index_task  # tasks imports this module

    search_index_task(str(doc_type), str(doc_id))


def search_index_apply(doc_type: str, doc_id: str) -> str:
    """Fetch the document from its source and upsert it, or delete it when no longer public.

    Returns "indexed", "deleted" or "unknown-type" (for the task result and tests).
    """
    from .backends import search_backend
    from zhengwu.core.registries.search import search_sources

    source = search_sources().get(doc_type)
    if source is None:
        # A module that calls search_index_later before registering its source: nothing
        # to fetch the document from, and failing the task would only retry in vain.
        logger.warning("search: no source registered for doc_type=%s", doc_type)
        return "unknown-type"
    doc = source.get_one(str(doc_id))
    backend = search_backend()
    if doc is None:
        backend.delete(doc_type, str(doc_id))
        return "deleted"
    backend.upsert([doc])
    return "indexed"


def search_rebuild(*, actor, doc_type: str | None = None, progress=None) -> dict[str, int]:
    """Re-index every registered source (or one type) from ``iter_all``.

    Returns {doc_type: documents indexed}. The old documents stay searchable until the
    new ones are committed.
    """
    from zhengwu.core.audit import audit_record
    from zhengwu.core.errors import ValidationFailed

    from .backends import search_backend
    from zhengwu.core.registries.search import search_sources

    sources = search_sources()
    if doc_type is not None and doc_type not in sources:
        raise ValidationFailed(f"未知的内容类型:{doc_type}(可选:{'、'.join(sorted(sources)) or '无'})",
                               code="invalid_type")
    backend = search_backend()
    counts: dict[str, int] = {}
    if doc_type is None:
        # One pass over all sources so that types no longer registered disappear too.
        def everything():
            for source in sources.values():
                for doc in source.iter_all():
                    counts[source.doc_type] = counts.get(source.doc_type, 0) + 1
                    yield doc

        backend.replace(None, everything(), progress=progress)
    else:
        counts[doc_type] = backend.replace(doc_type, sources[doc_type].iter_all(), progress=progress)
    for name in sources if doc_type is None else [doc_type]:
        counts.setdefault(name, 0)
    with transaction.atomic():
        audit_record(actor=actor, action="search.index.rebuild", object_type="search.index",
                     details={"backend": backend.name, "counts": counts})
    return counts


# Queries with long digit runs may be ID card or phone numbers: never kept.
_DIGITS = re.compile(r"\d{5,}")
# Longer queries are sentences, not words: not counted.
HOT_WORD_MAX_CHARS = 30


def search_query_record(*, query: str, day=None) -> bool:
    """Count one search for the hot words: the normalised query and the date, nothing else.

    Not audited on purpose: an audit row carries the user and IP, exactly what the hot
    words must not keep. Returns False when the query is not kept.
    """
    from django.utils import timezone

    from .models import SearchQueryDay
    from .text import _SYNTAX, query_normalise

    text = " ".join(_SYNTAX.sub(" ", query_normalise(query)).lower().split())
    if not text or len(text) > HOT_WORD_MAX_CHARS or _DIGITS.search(text) or "@" in query:
        return False
    return _count_day(SearchQueryDay, day or timezone.localdate(), text)


def search_result_record(result: dict) -> None:
    """Count a first-page search: a hot word if it found something, else a miss to review."""
    if not result.get("query"):
        return
    if result["count"]:
        search_query_record(query=result["query"])
    else:
        search_miss_record(query=result["query"])


def _count_day(model, day, text: str) -> bool:
    """Add one to the (day, query) counter row of ``model``."""
    from django.db.models import F

    for _attempt in range(2):
        try:
            with transaction.atomic():
                updated = model.objects.filter(day=day, query=text).update(count=F("count") + 1)
                if not updated:
                    model.objects.create(day=day, query=text, count=1)
            return True
        except IntegrityError:
            continue  # two first searches of the day raced; the second try updates
    return False


# ---------------------------------------------------------------- synonym dictionary

# Who keeps the dictionary: the system administrator and the people who publish content.
DICTIONARY_ROLES = ("system_admin", "data_steward", "editor", "publisher")
WORD_MAX_CHARS = 30
VARIANTS_MAX = 20
_WORD_OK = re.compile(r"^[\w()()·\-]+$")


def _require_dictionary_keeper(actor) -> None:
    from zhengwu.core.errors import PermissionDenied
    from zhengwu.org.selectors import user_holds_any_role

    if actor is not None and not user_holds_any_role(actor, DICTIONARY_ROLES):
        raise PermissionDenied("只有系统管理员、数据管理员和信息发布人员可以维护同义词词典")


def _clean_entry(canonical, variants) -> tuple[str, list[str]]:
    from zhengwu.core.errors import ValidationFailed

    from .synonyms import split_words
    from .text import query_normalise

    canonical = query_normalise(canonical if isinstance(canonical, str) else "").strip()
    words = split_words(query_normalise(variants if isinstance(variants, str) else ""))
    errors = {}
    if not canonical:
        errors["canonical"] = "请填写规范用语"
    elif len(canonical) > WORD_MAX_CHARS or not _WORD_OK.match(canonical):
        errors["canonical"] = f"规范用语应为不超过{WORD_MAX_CHARS}个字的词语,不含空格和标点"
    words = [w for w in words if w != canonical]
    if not words:
        errors["variants"] = "请至少填写一个同义词或简称"
    elif len(words) > VARIANTS_MAX:
        errors["variants"] = f"同义词不能超过{VARIANTS_MAX}个"
    else:
        bad = [w for w in words if len(w) > WORD_MAX_CHARS or not _WORD_OK.match(w)]
        if bad:
            errors["variants"] = f"同义词“{bad[0]}”不是有效词语(不超过{WORD_MAX_CHARS}个字,不含标点)"
    if errors:
        raise ValidationFailed("；".join(errors.values()), code="synonym_invalid", details={"fields": errors})
    return canonical, words


def _dictionary_changed() -> None:
    from . import suggest, synonyms

    synonyms.forget()
    suggest.vocabulary_forget()
    transaction.on_commit(lambda: (synonyms.forget(), suggest.vocabulary_forget()))


def synonym_create(*, actor, canonical: str, variants: str, note: str = ""):
    """Add a group of words that mean the same (canonical word and everyday variants)."""
    from zhengwu.core.audit import audit_record
    from zhengwu.core.errors import Conflict

    from .models import SearchSynonym

    _require_dictionary_keeper(actor)
    canonical, words = _clean_entry(canonical, variants)
    with transaction.atomic():
        if SearchSynonym.objects.filter(canonical=canonical).exists():
            raise Conflict(f"词典中已有“{canonical}”,请在该词条中添加同义词", code="synonym_exists")
        entry = SearchSynonym.objects.create(canonical=canonical, variants=" ".join(words),
                                             note=(note or "").strip()[:200])
        audit_record(actor=actor, action="search.synonym.create", obj=entry,
                     details={"canonical": canonical, "variants": words})
    _dictionary_changed()
    return entry


def synonym_update(*, actor, synonym_id: int, canonical: str, variants: str, note: str = "",
                   is_active: bool = True):
    """Change a dictionary entry (its words, note, or whether it is used)."""
    from zhengwu.core.audit import audit_record
    from zhengwu.core.errors import Conflict, NotFound

    from .models import SearchSynonym

    _require_dictionary_keeper(actor)
    canonical, words = _clean_entry(canonical, variants)
    with transaction.atomic():
        entry = SearchSynonym.objects.select_for_update().filter(pk=synonym_id).first()
        if entry is None:
            raise NotFound("词条不存在或已删除", code="synonym_not_found")
        if SearchSynonym.objects.filter(canonical=canonical).exclude(pk=entry.pk).exists():
            raise Conflict(f"词典中已有“{canonical}”", code="synonym_exists")
        before = {"canonical": entry.canonical, "variants": entry.variants, "is_active": entry.is_active}
        entry.canonical, entry.variants = canonical, " ".join(words)
        entry.note, entry.is_active = (note or "").strip()[:200], bool(is_active)
        entry.save()
        audit_record(actor=actor, action="search.synonym.update", obj=entry,
                     details={"before": before, "canonical": canonical, "variants": words,
                              "is_active": entry.is_active})
    _dictionary_changed()
    return entry


def synonym_add_variant(*, actor, canonical: str, variant: str):
    """Add one everyday word to the entry of ``canonical`` (created if missing).

    The one-click action of the no-result log: a query nobody found anything for
    becomes a variant of the word that documents use.
    """
    from .models import SearchSynonym

    word = (canonical or "").strip()
    entry = SearchSynonym.objects.filter(canonical=word).first()
    if entry is None and word:
        # Staff may type a variant ("低保") instead of the canonical word: join its entry.
        entry = next((e for e in SearchSynonym.objects.filter(variants__contains=word)
                      if word in e.variant_list), None)
    if entry is None:
        return synonym_create(actor=actor, canonical=canonical, variants=variant, note="由无结果搜索添加")
    return synonym_update(actor=actor, synonym_id=entry.pk, canonical=entry.canonical,
                          variants=f"{entry.variants} {variant}", note=entry.note, is_active=entry.is_active)


def synonym_delete(*, actor, synonym_id: int) -> None:
    from zhengwu.core.audit import audit_record
    from zhengwu.core.errors import NotFound

    from .models import SearchSynonym

    _require_dictionary_keeper(actor)
    with transaction.atomic():
        entry = SearchSynonym.objects.select_for_update().filter(pk=synonym_id).first()
        if entry is None:
            raise NotFound("词条不存在或已删除", code="synonym_not_found")
        audit_record(actor=actor, action="search.synonym.delete", obj=entry,
                     details={"canonical": entry.canonical, "variants": entry.variants})
        entry.delete()
    _dictionary_changed()


# ---------------------------------------------------------------- queries without results

# Personal data a citizen may type into a search box, removed before anything is kept:
# ID card numbers, phone numbers and any other run of 5+ digits, e-mail addresses.
_EMAIL = re.compile(r"\S+@\S+")
_ID_OR_NUMBER = re.compile(r"\d{5,}[\dXx]?")
# The most common surnames (about 85% of the population): a 2–3 character word that
# starts with one and is no known word is taken for a person's name and dropped.
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟"
    "谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)


def _looks_like_name(word: str, known) -> bool:
    return (2 <= len(word) <= 3 and word[0] in _SURNAMES and word not in known
            and all("\u4e00" <= ch <= "\u9fff" for ch in word))


def search_miss_clean(query: str) -> str:
    """The query without personal data, or "" when nothing worth keeping is left."""
    import rjieba

    from . import suggest, synonyms
    from .text import _SYNTAX, query_normalise

    text = _EMAIL.sub(" ", query_normalise(query))
    text = _ID_OR_NUMBER.sub(" ", text)
    text = " ".join(_SYNTAX.sub(" ", text).lower().split())
    if not text or len(text) > HOT_WORD_MAX_CHARS:
        return ""
    known = set(synonyms.dictionary_words()) | set(suggest.vocabulary().counts)
    kept = []
    for chunk in text.split():
        pieces = rjieba.cut(chunk, False)
        # A name is cut into a surname and a given name, or kept whole when the
        # dictionary knows it: check the whole chunk and each adjacent pair.
        if _looks_like_name(chunk, known):
            continue
        out, i = [], 0
        while i < len(pieces):
            pair = "".join(pieces[i:i + 2])
            if _looks_like_name(pieces[i], known):
                i += 1
            elif i + 1 < len(pieces) and len(pieces[i]) == 1 and _looks_like_name(pair, known):
                i += 2
            else:
                out.append(pieces[i])
                i += 1
        if out:
            kept.append("".join(out))
    return " ".join(kept)


def search_miss_record(*, query: str, day=None) -> bool:
    """Count one search that found nothing: the cleaned query and the date only.

    Not audited, like the hot words (an audit row would tie the query to a person).
    Returns False when nothing is kept.
    """
    from django.utils import timezone

    from .models import SearchMissDay

    text = search_miss_clean(query)
    if not text:
        return False
    return _count_day(SearchMissDay, day or timezone.localdate(), text)


SEED_PATH = Path(__file__).resolve().parent / "data" / "synonyms.json"


def synonym_seed(*, actor=None) -> int:
    """Add the seed entries (data/synonyms.json) whose canonical word is missing.

    Migration search.0004 does the same on a new database; this is for databases whose
    rows were emptied (tests that flush tables, a county that wants the list back).
    Returns the number of entries added.
    """
    import json

    from zhengwu.core.audit import audit_record

    from .models import SearchSynonym

    entries = json.loads(SEED_PATH.read_text(encoding="utf-8"))["entries"]
    with transaction.atomic():
        existing = set(SearchSynonym.objects.values_list("canonical", flat=True))
        new = [SearchSynonym(canonical=e["canonical"], variants=e["variants"], note="初始词条")
               for e in entries if e["canonical"] not in existing]
        SearchSynonym.objects.bulk_create(new)
        if new:
            audit_record(actor=actor, action="search.synonym.seed", object_type="search.synonym",
                         details={"added": [e.canonical for e in new]})
    if new:
        _dictionary_changed()
    return len(new)
