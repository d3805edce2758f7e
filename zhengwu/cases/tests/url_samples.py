"""URL-walk samples (zhengwu/core/tests/test_url_walk.py) for the cases URLs added after the walk's own table.

The walk's older cases entries stay in its own table; these are merged in.
"""

from zhengwu.core.tests.url_sample import Sample
from zhengwu.ratings.tests.url_samples import receipt_of_citizen_a

PAGE_SAMPLES = {
    # A GET is sent back to the case page (302) for its applicant; anyone else gets the case's 404.
    "cases:resubmit": Sample(kwargs={"receipt_no": receipt_of_citizen_a}, owner="citizen_a", ok=frozenset({302})),
    # The flowchart editor: system administrators only.
    "cases_staff:process_list": Sample(),
    "cases_staff:process_edit": Sample(kwargs={"code": "QL017"}),
}

API_SAMPLES = {
    # An empty body: the applicant gets the Chinese 400 (version missing), anyone else the case's 404.
    ("POST", "/api/v1/cases/{receipt_no}/resubmit"): Sample(
        kwargs={"receipt_no": receipt_of_citizen_a}, owner="citizen_a", ok=frozenset({400})),
}
