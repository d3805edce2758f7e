import pytest

from zhengwu.accounts.tests.factories import StaffFactory
from zhengwu.core.errors import NotFound
from zhengwu.org import selectors, services
from zhengwu.org.models import Unit
from zhengwu.org.roles import Role

K = Unit.Kind


@pytest.fixture
def tree(db):
    county = services.unit_create(actor=None, code="C", name="示例县", kind=K.COUNTY)
    units = {"county": county}
    for i in range(5):
        dept = services.unit_create(actor=None, code=f"C-{i}", name=f"县局{i}", kind=K.DEPARTMENT, parent=county, sort_order=i)
        services.unit_create(actor=None, code=f"C-{i}-1", name=f"科室{i}", kind=K.SECTION, parent=dept)
        units[f"dept{i}"] = dept
    town = services.unit_create(actor=None, code="C-T", name="城关镇", kind=K.TOWNSHIP, parent=county, sort_order=100)
    services.unit_create(actor=None, code="C-T-V", name="柳树村", kind=K.VILLAGE, parent=town)
    units["town"] = town
    return units


def test_unit_tree_is_nested_and_built_from_one_query(tree, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        roots = selectors.unit_tree()
        names = [(n.unit.name, n.depth) for n in roots[0].children]
        grandchildren = [c.unit.name for c in roots[0].children[0].children]
    assert [r.unit.code for r in roots] == ["C"]
    assert names[0] == ("县局0", 1) and names[-1] == ("城关镇", 1)
    assert grandchildren == ["科室0"]


def test_unit_tree_leaves_out_inactive_units_and_their_children(tree):
    services.unit_update(actor=None, unit=tree["town"], is_active=False)
    flat = [n.unit.code for n in selectors.unit_tree_flat()]
    assert "C-T" not in flat and "C-T-V" not in flat
    assert "C-T-V" in [n.unit.code for n in selectors.unit_tree_flat(include_inactive=True)]


def test_unit_get_raises_not_found_in_chinese(db):
    with pytest.raises(NotFound) as info:
        selectors.unit_get("NOPE")
    assert "不存在" in info.value.message


def test_user_roles_and_units_for_user(tree, django_assert_max_num_queries):
    person = StaffFactory()
    services.assignment_grant(actor=None, user=person, unit=tree["dept1"], role=Role.HANDLER)
    services.assignment_grant(actor=None, user=person, unit=tree["dept1"], role=Role.REVIEWER)
    services.assignment_grant(actor=None, user=person, unit=tree["dept2"], role=Role.EDITOR)
    with django_assert_max_num_queries(1):
        posts = selectors.user_roles(person)
        labels = [(p.unit.code, p.role) for p in posts]
    assert sorted(labels) == [("C-1", "handler"), ("C-1", "reviewer"), ("C-2", "editor")]
    assert [u.code for u in selectors.units_for_user(person)] == ["C-1", "C-2"]
    assert selectors.user_has_role(person, Role.EDITOR)
    assert not selectors.user_has_role(person, Role.EDITOR, unit=tree["dept1"])
