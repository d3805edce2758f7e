"""Sample objects for the URL walk (zhengwu/core/tests/test_url_walk.py)."""


def receipt_of_citizen_a(world) -> str:
    """A case owned by the walk's citizen_a (created once per world)."""
    receipt = getattr(world, "_ratings_receipt", None)
    if receipt is None:
        from zhengwu.cases.services import case_submit
        from zhengwu.catalog.models import Item

        applicant = world.users["citizen_a"]
        case = case_submit(actor=applicant, item=Item.objects.get(code="QL017"), applicant=applicant, channel="online")
        receipt = world._ratings_receipt = case.receipt_no
    return receipt
