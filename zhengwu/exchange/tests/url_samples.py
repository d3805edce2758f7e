"""Sample values for the URL walk (zhengwu/core/tests/test_url_walk.py)."""

from zhengwu.core.tests.url_sample import Sample

POST_ONLY = frozenset({405})
MISSING = frozenset({404})  # the walk's world has no catalog entries

PAGE_SAMPLES = {
    "exchange:ckan_action": Sample(kwargs={"name": "status_show"}),
    "exchange:ckan_action_plain": Sample(kwargs={"name": "package_list"}),
    "exchange:catalog": Sample(),
    "exchange:entry": Sample(kwargs={"pk": 999999}, ok=MISSING),
    "exchange:departments": Sample(),
    "exchange:department": Sample(kwargs={"code": "W-X"}),
    "exchange:dashboard": Sample(),
    # The workspace is for 数据管理员, which no walk persona holds.
    "exchange:office": Sample(),
    "exchange:resource_new": Sample(),
    "exchange:resource_act": Sample(kwargs={"pk": 999999}, ok=POST_ONLY),
    "exchange:upload": Sample(kwargs={"pk": 999999}, ok=POST_ONLY),
    "exchange:upload_progress": Sample(kwargs={"pk": 999999}, ok=MISSING),
    "exchange:load_run": Sample(kwargs={"pk": 999999, "run_id": 1}, ok=MISSING),
    "exchange:request_new": Sample(kwargs={"pk": 999999}, ok=MISSING),
    "exchange:correction_new": Sample(kwargs={"pk": 999999}, ok=POST_ONLY),
    "exchange:request_decide": Sample(kwargs={"request_id": 999999}, ok=POST_ONLY),
    "exchange:grant_revoke": Sample(kwargs={"grant_id": 999999}, ok=POST_ONLY),
    "exchange:correction_answer": Sample(kwargs={"ticket_id": 999999}, ok=POST_ONLY),
    "exchange:sources": Sample(),
    "exchange:source_edit": Sample(kwargs={"pk": 999999}, ok=MISSING),
    "exchange:keys": Sample(),
    "exchange:usage": Sample(),
}

API_SAMPLES = {
    ("GET", "/api/v1/exchange/resources"): Sample(),
    ("POST", "/api/v1/exchange/resources"): Sample(ok=frozenset({422})),
    ("POST", "/api/v1/exchange/resources/{slug}/submit"): Sample(kwargs={"slug": "none"}, ok=MISSING),
    ("POST", "/api/v1/exchange/resources/{slug}/review"): Sample(kwargs={"slug": "none"}, ok=frozenset({422})),
    ("POST", "/api/v1/exchange/resources/{slug}/upsert"): Sample(kwargs={"slug": "none"}, ok=frozenset({422})),
    ("POST", "/api/v1/exchange/resources/{slug}/source"): Sample(kwargs={"slug": "none"}, ok=frozenset({422})),
    ("POST", "/api/v1/exchange/resources/{slug}/pull"): Sample(kwargs={"slug": "none"}, ok=MISSING),
    ("GET", "/api/v1/exchange/requests"): Sample(),
    ("POST", "/api/v1/exchange/requests"): Sample(ok=frozenset({422})),
    ("POST", "/api/v1/exchange/requests/{request_id}/decision"): Sample(kwargs={"request_id": 999999},
                                                                        ok=frozenset({422})),
    ("GET", "/api/v1/exchange/grants"): Sample(),
    ("GET", "/api/v1/exchange/keys"): Sample(),
    ("POST", "/api/v1/exchange/keys"): Sample(ok=frozenset({422})),
    ("POST", "/api/v1/exchange/keys/{key_id}/revoke"): Sample(kwargs={"key_id": 999999}, ok=MISSING),
    ("GET", "/api/v1/exchange/usage"): Sample(),
}
