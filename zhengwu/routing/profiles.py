"""The routing model: one weighted term profile per department, scored BM25F-style.

A department's profile has fields, each with its own weight and length normalisation
(BM25F), so a department with a long catalog or many learned decisions is not
penalised on its other fields:

* ``name``: the department's name without "县 … 局" boilerplate (环境保护);
* ``duty``: its responsibilities (职责) and the names of its work areas (工作领域);
* ``items``: names and content of its active catalog items;
* ``lexicon``: citizens' everyday words for its domain (data/lexicon.json);
* ``learned``: terms of letters that triage clerks routed to it (RoutingDecision).

The model is built once per process and kept. Every request runs one cheap query that
reads a version stamp (departments, work areas, items, last decision); when the static
part changed the whole model is rebuilt (~tens of ms), when only new decisions arrived
they are folded into the learned field and the index is recomputed.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import connection

from . import text as routing_text

# BM25F parameters: (weight, b) per field. Names and everyday words are the strongest
# evidence; catalog item names are many and formal, so each counts little.
FIELDS = {
    "name": (4.0, 0.3),
    "duty": (2.0, 0.5),
    "items": (0.6, 0.75),
    "lexicon": (2.5, 0.3),
    "learned": (1.5, 0.75),
}
K1 = 1.2
# Weight of a term that only the synonym dictionary contributed (低保 -> 最低生活保障).
EXTRA_WEIGHT = 0.6
# A learned term counts at most this many times per department: a flood of similar
# letters must not drown the department's own profile.
LEARNED_CAP = 8

_NAME_NOISE = re.compile(r"^(县|市|区|旗)|(局|办公室|委员会|中心|办)$")


@dataclass(frozen=True)
class DepartmentEntry:
    id: int
    code: str
    name: str
    work_areas: tuple[str, ...]


@dataclass
class RoutingModel:
    departments: list[DepartmentEntry]
    fields: dict[str, list[Counter]]  # field name → one Counter per department
    static_version: tuple
    last_decision_id: int = 0
    index: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    index_of_code: dict[str, int] = field(default_factory=dict)

    def reindex(self) -> None:
        """Recompute the per-term BM25F weights of every department."""
        n = len(self.departments)
        lengths = {f: [sum(c.values()) for c in counters] for f, counters in self.fields.items()}
        averages = {}
        for f, values in lengths.items():
            nonzero = [v for v in values if v > 0]
            averages[f] = (sum(nonzero) / len(nonzero)) if nonzero else 1.0
        pseudo_tf: dict[str, dict[int, float]] = defaultdict(dict)
        for f, counters in self.fields.items():
            weight, b = FIELDS[f]
            for d, counter in enumerate(counters):
                if not counter:
                    continue
                norm = 1 - b + b * lengths[f][d] / averages[f]
                for term, tf in counter.items():
                    slot = pseudo_tf[term]
                    slot[d] = slot.get(d, 0.0) + weight * tf / norm
        index = {}
        for term, per_dept in pseudo_tf.items():
            df = len(per_dept)
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            index[term] = [(d, idf * tf / (K1 + tf)) for d, tf in per_dept.items()]
        self.index = index
        self.index_of_code = {dep.code: i for i, dep in enumerate(self.departments)}

    def learn(self, rows) -> None:
        """Fold decision rows ``(id, chosen_code, terms)`` into the learned field."""
        learned = self.fields["learned"]
        for row_id, code, row_terms in rows:
            self.last_decision_id = max(self.last_decision_id, row_id)
            d = self.index_of_code.get(code)
            if d is None or not isinstance(row_terms, list):
                continue
            counter = learned[d]
            for term in {t for t in row_terms if isinstance(t, str)}:
                if counter[term] < LEARNED_CAP:
                    counter[term] += 1

    def score(self, query_terms: list[str], extra_terms: list[str] = ()) -> list[tuple[int, float]]:
        """Return ``(department index, raw score)`` for departments that match, best first.

        ``extra_terms`` (everyday-word equivalents) count at ``EXTRA_WEIGHT``: evidence,
        but weaker than the letter's own words.
        """
        totals: dict[int, float] = defaultdict(float)
        own = Counter(query_terms)
        extra = Counter(t for t in extra_terms if t not in own)
        for terms, factor in ((own, 1.0), (extra, EXTRA_WEIGHT)):
            for term, qtf in terms.items():
                postings = self.index.get(term)
                if not postings:
                    continue
                qweight = factor * (1 + math.log(qtf))
                for d, w in postings:
                    totals[d] += qweight * w
        return sorted(totals.items(), key=lambda kv: (-kv[1], self.departments[kv[0]].code))


# ------------------------------------------------------------------ building


def _short_name(name: str) -> str:
    core = _NAME_NOISE.sub("", name)
    return _NAME_NOISE.sub("", core)


def _lexicon_targets(departments: list[DepartmentEntry], duty_texts: list[str]) -> list[tuple[tuple[str, ...], list[int]]]:
    """Resolve each lexicon group to departments: by name first, then by responsibilities."""
    out = []
    for group in routing_text.lexicon_groups():
        targets: list[int] = []
        for anchor in group["anchors"]:
            targets = [i for i, dep in enumerate(departments) if anchor in dep.name]
            if targets:
                break
        if not targets:
            for anchor in group["anchors"]:
                targets = [i for i, duty in enumerate(duty_texts) if anchor in duty]
                if targets:
                    break
        if targets:
            out.append((group["words"], targets))
    return out


def static_version() -> tuple:
    """One query: a stamp that changes whenever departments, work areas or items change."""
    from zhengwu.catalog.models import Item, WorkArea
    from zhengwu.org.models import Unit

    unit_t = connection.ops.quote_name(Unit._meta.db_table)
    area_t = connection.ops.quote_name(WorkArea._meta.db_table)
    item_t = connection.ops.quote_name(Item._meta.db_table)
    decision_t = connection.ops.quote_name(_decision_model()._meta.db_table)
    sql = (
        f"SELECT (SELECT COUNT(*) FROM {unit_t}), (SELECT MAX(updated_at) FROM {unit_t}), "
        f"(SELECT COUNT(department_id) FROM {area_t}), (SELECT SUM(department_id) FROM {area_t}), "
        f"(SELECT COUNT(*) FROM {item_t}), (SELECT MAX(updated_at) FROM {item_t}), "
        f"(SELECT MAX(id) FROM {decision_t})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return tuple(str(v) for v in row[:-1]), int(row[-1] or 0)


def _decision_model():
    from .models import RoutingDecision

    return RoutingDecision


def decision_rows(*, after_id: int):
    return _decision_model().objects.filter(id__gt=after_id).order_by("id").values_list("id", "chosen_code", "terms")


def model_build(*, version: tuple | None = None) -> RoutingModel:
    """Build the whole model from the database (departments, catalog, lexicon, decisions)."""
    from zhengwu.catalog.models import Category, Item, WorkArea
    from zhengwu.org.models import Unit

    stamp = version[0] if version is not None else static_version()[0]
    units = list(
        Unit.objects.filter(kind=Unit.Kind.DEPARTMENT, is_active=True)
        .order_by("sort_order", "code").values_list("id", "code", "name", "responsibilities")
    )
    position = {unit_id: i for i, (unit_id, *_rest) in enumerate(units)}
    areas: dict[int, list[str]] = defaultdict(list)
    for dep_id, name in WorkArea.objects.filter(department_id__in=position).order_by("category", "seq").values_list(
        "department_id", "name"
    ):
        areas[dep_id].append(name)
    departments = [DepartmentEntry(u[0], u[1], u[2], tuple(areas.get(u[0], ()))) for u in units]

    fields = {f: [Counter() for _ in departments] for f in FIELDS}
    duty_texts = []
    for i, (_id, _code, name, duties) in enumerate(units):
        fields["name"][i].update(routing_text.terms(_short_name(name), for_search=True))
        duty = " ".join([duties or "", *departments[i].work_areas])
        duty_texts.append(duty)
        fields["duty"][i].update(routing_text.terms(duty, for_search=True))
    # Disclosure items (政府信息公开事项) list what gets published ("城乡低保资金发放情况"),
    # not who handles it, so only power and convenience items describe a department's work.
    for dep_id, name, content in (
        Item.objects.filter(department_id__in=position, status=Item.Status.ACTIVE)
        .exclude(category=Category.DISCLOSURE)
        .values_list("department_id", "name", "content").iterator()
    ):
        fields["items"][position[dep_id]].update(routing_text.terms(f"{name} {content or ''}", for_search=True))
    for words, targets in _lexicon_targets(departments, duty_texts):
        # Whole words only: the segmenter knows every lexicon word, so a letter saying
        # "申请公开" yields that word; splitting it here would make "申请" alone point to
        # the government office.
        for word in words:
            for d in targets:
                fields["lexicon"][d][word.lower()] += 1
    model = RoutingModel(departments=departments, fields=fields, static_version=stamp)
    model.index_of_code = {dep.code: i for i, dep in enumerate(departments)}
    model.learn(decision_rows(after_id=0))
    model.reindex()
    return model


# ------------------------------------------------------------------ the process-wide model

_model: RoutingModel | None = None
_lock = threading.Lock()


def current_model() -> RoutingModel:
    """Return the process's model, rebuilt or updated first if the database moved on."""
    global _model
    stamp, last_decision = static_version()
    model = _model
    if model is not None and model.static_version == stamp and model.last_decision_id == last_decision:
        return model
    with _lock:
        model = _model
        if model is None or model.static_version != stamp or last_decision < model.last_decision_id:
            model = model_build(version=(stamp, last_decision))
        elif model.last_decision_id != last_decision:
            model.learn(decision_rows(after_id=model.last_decision_id))
            model.reindex()
        _model = model
    return model


def model_reset() -> None:
    """Forget the process's model (tests; a fresh database has new ids)."""
    global _model
    with _lock:
        _model = None
