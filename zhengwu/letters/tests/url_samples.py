"""Letters' entries for the URL walk (zhengwu/core/tests/test_url_walk.py)."""

from zhengwu.core.tests.url_sample import Sample

BODY = "楼下饭店每天油烟直接排到居民窗户上,请有关部门管一管。"


def _letter(world):
    """A letter of citizen_a, assigned to staff_x's department (made once per world)."""
    letter = getattr(world, "_letters_letter", None)
    if letter is None:
        from zhengwu.accounts.tests.factories import StaffFactory
        from zhengwu.letters.services import letter_assign, letter_submit
        from zhengwu.org.models import Unit
        from zhengwu.org.roles import Role
        from zhengwu.org.services import unit_create
        from zhengwu.org.tests.factories import grant_post

        # The letters office is a unit of its own, so neither walk department saw the triage hop.
        office = unit_create(actor=None, code="W-XF", name="县信访局", kind=Unit.Kind.DEPARTMENT,
                             parent=world.units["x"].parent)
        clerk = grant_post(StaffFactory(username="walkclerk"), Role.LETTER_CLERK, unit=office)
        letter = letter_submit(actor=world.users["citizen_a"], channel="county_head", category="environment",
                               title="油烟扰民", body=BODY)
        letter_assign(actor=clerk, letter=letter, department=world.units["x"])
        world._letters_letter = letter
    return letter


def code_of_citizen_a(world) -> str:
    return _letter(world).query_code


def letter_of_staff_x(world) -> int:
    return _letter(world).pk


PAGE_SAMPLES = {
    "letters:index": Sample(),
    "letters:write": Sample(kwargs={"channel": "county_head"}),
    "letters:submitted": Sample(ok=frozenset({200, 302})),  # 302 back to the index without a fresh code
    "letters:query": Sample(),
    "letters:mine": Sample(),
    "letters:mine_detail": Sample(kwargs={"query_code": code_of_citizen_a}, owner="citizen_a"),
    "letters:published_list": Sample(),
    # No letter is published in the walk's world: the public 404 for everybody.
    "letters:published_detail": Sample(kwargs={"publication_id": 999999}, ok=frozenset({404})),
    "letters:stats": Sample(),
    "letters:staff_inbox": Sample(),
    "letters:staff_words": Sample(),
    "letters:staff_detail": Sample(kwargs={"letter_id": letter_of_staff_x}, owner="staff_x"),
    "letters:staff_publication": Sample(kwargs={"letter_id": letter_of_staff_x}, owner="staff_x"),
}

API_SAMPLES = {
    ("POST", "/api/v1/letters/submit"): Sample(ok=frozenset({422})),  # empty body: fields missing
    ("GET", "/api/v1/letters/mine"): Sample(),
    # A code no letter has: the same 404 as a malformed one, for everybody.
    ("GET", "/api/v1/letters/query/{code}"): Sample(kwargs={"code": "NOSUCHCODE23"}, ok=frozenset({404})),
    ("GET", "/api/v1/letters/published"): Sample(),
    ("GET", "/api/v1/letters/statistics/monthly"): Sample(),
    ("GET", "/api/v1/letters/staff/inbox"): Sample(),
    ("GET", "/api/v1/letters/staff/{letter_id}"): Sample(kwargs={"letter_id": letter_of_staff_x}, owner="staff_x"),
    # An empty body: the owner gets the Chinese 400, everyone else the letter's 404.
    ("POST", "/api/v1/letters/staff/{letter_id}/actions"): Sample(
        kwargs={"letter_id": letter_of_staff_x}, owner="staff_x", ok=frozenset({400})),
}
