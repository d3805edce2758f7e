"""The one responsibility rule: the Python check, the query filter and the reverse list agree.

Each row of ``TABLE`` states who asks, for which unit, in which posts, and the answer the
rule must give; every form of the rule (``acts_for``, ``Posts.covers``, ``access_unit``,
``acts_for_q``, ``Posts.post_q`` and ``post_holders``) is held to it.
"""

import pytest
from django.db.models import CharField, Value

from zhengwu.accounts.tests.factories import CitizenFactory, StaffFactory
from zhengwu.core.errors import NotFound, PermissionDenied
from zhengwu.org import responsibility
from zhengwu.org.models import Assignment, Unit
from zhengwu.org.roles import Role
from zhengwu.org.tests.factories import UnitFactory, grant_post

pytestmark = pytest.mark.django_db

R, H, W, SA = Role.REVIEWER, Role.HANDLER, Role.WINDOW_CLERK, Role.SYSTEM_ADMIN


@pytest.fixture
def tree(db):
    county = UnitFactory(code="X", name="县", kind=Unit.Kind.COUNTY)
    a = UnitFactory(code="A", name="甲局", kind=Unit.Kind.DEPARTMENT, parent=county)
    return {
        "county": county,
        "A": a,
        "A1": UnitFactory(code="A1", name="甲局一科", kind=Unit.Kind.SECTION, parent=a),
        "B": UnitFactory(code="B", name="乙局", kind=Unit.Kind.DEPARTMENT, parent=county),
        "T": (t := UnitFactory(code="T", name="城关镇", kind=Unit.Kind.TOWNSHIP, parent=county)),
        "V": UnitFactory(code="V", name="东村", kind=Unit.Kind.VILLAGE, parent=t),
        "hall": UnitFactory(code="H", name="政务服务中心", kind=Unit.Kind.DEPARTMENT, parent=county),
    }


@pytest.fixture
def people(tree):
    inactive = grant_post(StaffFactory(), R, unit=tree["A"])
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    citizen = CitizenFactory()
    # assignment_grant refuses citizens; a row written some other way must still count for nothing.
    Assignment.objects.create(user=citizen, unit=tree["A"], role=R)
    return {
        "a_reviewer": grant_post(StaffFactory(), R, unit=tree["A"]),
        "a_handler": grant_post(StaffFactory(), H, unit=tree["A"]),
        "section_reviewer": grant_post(StaffFactory(), R, unit=tree["A1"]),
        "village_reviewer": grant_post(StaffFactory(), R, unit=tree["V"]),
        "clerk": grant_post(StaffFactory(), W, unit=tree["hall"]),
        "admin": grant_post(StaffFactory(), SA, unit=tree["A"]),
        "inactive": inactive,
        "citizen": citizen,
        "nobody": StaffFactory(),
    }


# (person, unit key or None, roles, unowned, expected)
TABLE = [
    ("a_reviewer", "A", R, False, True),
    ("a_reviewer", "A", H, False, False),          # the post matters, not only the unit
    ("a_reviewer", "A", None, False, True),        # any business post
    ("a_reviewer", "B", R, False, False),          # another department
    ("a_reviewer", "county", R, False, False),     # a department's parent is the county: never county-wide
    ("a_reviewer", "A1", R, False, False),         # a department's post does not reach down into its sections
    ("a_handler", "A", [R, H], False, True),
    ("section_reviewer", "A1", R, False, True),
    ("section_reviewer", "A", R, False, True),     # a section's post counts for its department
    ("section_reviewer", "county", R, False, False),
    ("section_reviewer", "B", R, False, False),
    ("village_reviewer", "V", R, False, True),
    ("village_reviewer", "T", R, False, False),    # only sections count upwards
    ("clerk", "hall", W, False, True),
    ("clerk", "A", W, False, False),               # "every department" is the caller's no-unit, below
    ("clerk", None, W, True, True),
    ("clerk", None, W, False, False),
    ("a_reviewer", None, R, True, True),           # nobody's thing: whoever holds the post
    ("a_reviewer", None, H, True, False),
    ("admin", "A", None, False, False),            # 三员 do no business work
    ("admin", "A", SA, False, True),               # ...but hold their own post when asked by name
    ("inactive", "A", R, False, False),
    ("citizen", "A", R, False, False),
    ("nobody", "A", None, False, False),
]


def _unit_id(tree, key):
    return None if key is None else tree[key].pk


def _things(tree):
    """One row per unit that names it as its unit (``parent``), and one that names none."""
    rows = {key: UnitFactory(code=f"thing-{key}", kind=Unit.Kind.SERVICE_POINT, parent=unit) for key, unit in tree.items()}
    rows[None] = UnitFactory(code="thing-none", kind=Unit.Kind.SERVICE_POINT, parent=None)
    return rows


@pytest.mark.parametrize(("person", "unit", "roles", "unowned", "expected"), TABLE)
def test_check_and_filter_give_the_table_answer(tree, people, person, unit, roles, unowned, expected):
    user, unit_id = people[person], _unit_id(tree, unit)
    things = _things(tree)

    assert responsibility.acts_for(user, unit_id=unit_id, roles=roles, unowned=unowned) is expected
    assert responsibility.posts_for(user).covers(unit_id, roles, unowned=unowned) is expected
    matched = Unit.objects.filter(responsibility.acts_for_q(user, "parent_id", roles, unowned=unowned),
                                  code__startswith="thing-")
    assert (things[unit] in set(matched)) is expected


@pytest.mark.parametrize(("person", "unit", "roles", "unowned", "expected"),
                         [row for row in TABLE if isinstance(row[2], str)])
def test_the_per_row_post_filter_agrees(tree, people, person, unit, roles, unowned, expected):
    # Things that carry the post they need as well as their unit (a case's current step).
    things = _things(tree)
    q = responsibility.posts_for(people[person]).post_q(unit_field="parent_id", role_field="needs", unowned=unowned)
    matched = set(
        Unit.objects.filter(code__startswith="thing-").annotate(needs=Value(str(roles), output_field=CharField())).filter(q)
    )
    assert (things[unit] in matched) is expected


@pytest.mark.parametrize(("person", "unit", "roles", "unowned", "expected"),
                         [row for row in TABLE if isinstance(row[2], str) and row[1] is not None])
def test_post_holders_lists_exactly_those_who_act_for_the_unit(tree, people, person, unit, roles, unowned, expected):
    holders = set(responsibility.post_holders(unit_id=tree[unit].pk, roles=roles).values_list("user_id", flat=True))
    assert (people[person].pk in holders) is expected


def test_access_unit_raises_permission_denied_or_hides_as_not_found(tree, people):
    responsibility.access_unit(people["a_reviewer"], unit_id=tree["A"].pk, roles=R, message="-")
    with pytest.raises(PermissionDenied, match="只有甲局"):
        responsibility.access_unit(people["a_reviewer"], unit_id=tree["B"].pk, roles=R, message="只有甲局的审核人")
    with pytest.raises(NotFound) as err:
        responsibility.access_unit(people["a_reviewer"], unit_id=tree["B"].pk, roles=R, hide=True,
                                   message="未找到该申请", code="request_not_found")
    assert err.value.code == "request_not_found"


def test_departments_for_lists_the_units_of_the_posts(tree, people):
    assert responsibility.departments_for(people["section_reviewer"]) == {tree["A1"].pk, tree["A"].pk}
    assert responsibility.departments_for(people["admin"]) == frozenset()
    assert responsibility.departments_for(people["admin"], SA) == {tree["A"].pk}


def test_posts_are_read_in_one_query(tree, people, django_assert_num_queries):
    with django_assert_num_queries(1):
        posts = responsibility.posts_for(people["section_reviewer"])
    with django_assert_num_queries(0):
        assert posts.covers(tree["A"].pk, R) and posts.holds(R) and not posts.holds(H)


# ---------------------------------------------------------------- once per request (ADR 0013)

@pytest.fixture
def in_request():
    from zhengwu.core import request_context

    token = request_context.activate(request_context.RequestContext(request_id="test"))
    yield
    request_context.deactivate(token)


def test_a_request_loads_a_persons_posts_once(tree, django_assert_num_queries, in_request):
    from zhengwu.org.selectors import user_holds_any_role

    reviewer = grant_post(StaffFactory(), R, unit=tree["A1"])
    with django_assert_num_queries(1):
        assert responsibility.posts_for(reviewer).covers(tree["A"].pk, R)
        assert user_holds_any_role(reviewer, {R})
        assert not user_holds_any_role(reviewer, {H})
        assert responsibility.departments_for(reviewer) == {tree["A1"].pk, tree["A"].pk}


def test_outside_a_request_every_question_reads_the_database(tree, django_assert_num_queries):
    reviewer = grant_post(StaffFactory(), R, unit=tree["A"])
    with django_assert_num_queries(2):
        responsibility.posts_for(reviewer)
        responsibility.posts_for(reviewer)


def test_a_request_that_changes_posts_or_units_reads_its_own_write(tree, in_request):
    from zhengwu.org.services import assignment_revoke, unit_update
    from zhengwu.org.selectors import user_holds_any_role

    person = grant_post(StaffFactory(), R, unit=tree["A1"])
    assert not user_holds_any_role(person, {H})
    grant_post(person, H, unit=tree["B"])
    assert user_holds_any_role(person, {H})
    assert responsibility.posts_for(person).covers(tree["B"].pk, H)
    # A section moved under another department: its posts count there from now on.
    assert responsibility.posts_for(person).covers(tree["A"].pk, R)
    unit_update(actor=None, unit=tree["A1"], parent=tree["B"])
    assert not responsibility.posts_for(person).covers(tree["A"].pk, R)
    assert responsibility.posts_for(person).covers(tree["B"].pk, R)
    assignment_revoke(actor=None, assignment=Assignment.objects.get(user=person, role=H))
    assert not user_holds_any_role(person, {H})
