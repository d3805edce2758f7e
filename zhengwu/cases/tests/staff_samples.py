"""Sample objects for the URL-walk test (zhengwu/core/tests/test_url_walk.py): staff case pages.

``staff_case_receipt(world)`` makes, once per world, a case of an item of department X
standing at 办结, the step of the 承办人 post that persona staff_x holds there: staff_x
may open it, staff_y (承办人 in department Y) and the administrators get 404.
"""

from zhengwu.accounts.tests.factories import StaffFactory
from zhengwu.cases.services import case_act, case_submit
from zhengwu.catalog.tests.factories import ItemFactory
from zhengwu.org.roles import Role
from zhengwu.org.tests.factories import grant_post


def staff_case_receipt(world) -> str:
    cached = getattr(world, "staff_case_receipt", None)
    if cached:
        return cached
    unit = world.units["x"]
    item = ItemFactory(department=unit, promised_limit_days=10)
    applicant = world.users["citizen_a"]
    case = case_submit(actor=applicant, item=item, applicant=applicant, channel="online")
    for role, action in ((Role.WINDOW_CLERK, "accept"), (Role.REVIEWER, "review_pass"), (Role.APPROVER, "approve")):
        actor = grant_post(StaffFactory(username=f"walk{role}"), role, unit=unit)
        case = case_act(actor=actor, case=case, action=action, expected_version=case.version)
    world.staff_case_receipt = case.receipt_no
    return case.receipt_no
