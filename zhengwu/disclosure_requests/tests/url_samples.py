"""Sample objects for the URL walk (zhengwu/core/tests/test_url_walk.py)."""

from zhengwu.core.tests.url_sample import Sample

REPORT_YEAR = 2025


def request_of_citizen_a(world) -> str:
    """A request filed by the walk's citizen_a with department X (created once per world)."""
    receipt = getattr(world, "_dr_receipt", None)
    if receipt is None:
        from zhengwu.disclosure_requests.services import request_submit

        req = request_submit(
            actor=world.users["citizen_a"], department=world.units["x"], description="请公开示例信息",
            contact_phone="13812345678",
        )
        receipt = world._dr_receipt = req.receipt_no
    return receipt


def published_report_year(world) -> int:
    """A published yearly report (no requests in that year, so the table balances)."""
    if not getattr(world, "_dr_report", False):
        from zhengwu.disclosure_requests.services import report as services_report

        report = services_report.report_create(actor=None, year=REPORT_YEAR)
        services_report.report_update(actor=None, report=report, overview="总体情况", problems="", other_matters="",
                                      manual={})
        services_report.report_publish(actor=None, report=report)
        world._dr_report = True
    return REPORT_YEAR


POST_ONLY = frozenset({405})
MINE = {"receipt_no": request_of_citizen_a}

PAGE_SAMPLES = {
    "disclosure_requests:apply": Sample(),
    "disclosure_requests:mine": Sample(),
    "disclosure_requests:query": Sample(query={"receipt_no": "YSQ202601010001", "phone_tail": "0000"}),
    "disclosure_requests:detail": Sample(kwargs=MINE, owner="citizen_a"),
    "disclosure_requests:correction_supply": Sample(kwargs=MINE, owner="citizen_a", ok=POST_ONLY),
    "disclosure_requests:reports": Sample(),
    "disclosure_requests:report_public": Sample(kwargs={"year": published_report_year}),
    "disclosure_requests:report_public_export": Sample(kwargs={"year": published_report_year, "fmt": "xlsx"}),
    # Back office: only disclosure officers / heads / clerks / publishers, which no walk persona holds.
    "disclosure_requests:inbox": Sample(),
    "disclosure_requests:window_entry": Sample(),
    "disclosure_requests:staff_detail": Sample(kwargs=MINE),
    "disclosure_requests:staff_act": Sample(kwargs=MINE, ok=POST_ONLY),
    "disclosure_requests:report_list": Sample(),
    "disclosure_requests:report_edit": Sample(kwargs={"year": published_report_year}),
    "disclosure_requests:report_publish": Sample(kwargs={"year": published_report_year}, ok=POST_ONLY),
    "disclosure_requests:report_export": Sample(kwargs={"year": published_report_year, "fmt": "pdf"}),
}

API_SAMPLES = {
    ("GET", "/api/v1/disclosure-requests/outcomes"): Sample(),
    ("POST", "/api/v1/disclosure-requests/submit"): Sample(ok=frozenset({422})),  # empty body
    ("GET", "/api/v1/disclosure-requests/mine"): Sample(),
    ("GET", "/api/v1/disclosure-requests/{receipt_no}"): Sample(kwargs=MINE, owner="citizen_a"),
    ("GET", "/api/v1/disclosure-requests/staff/inbox"): Sample(),
    ("GET", "/api/v1/disclosure-requests/staff/{receipt_no}"): Sample(kwargs=MINE),
    ("POST", "/api/v1/disclosure-requests/staff/{receipt_no}/actions"): Sample(kwargs=MINE, ok=frozenset({422})),
    ("GET", "/api/v1/disclosure-requests/reports/{year}"): Sample(kwargs={"year": published_report_year}),
}
