"""Clocks of the data sharing exchange raise supervision alerts like any other owner's.

An access request not decided within 10 working days, and a resource not updated within
its cycle, are red alerts for the providing department's 数据管理员 (issue 18).
"""

import datetime as dt

import pytest

from zhengwu.exchange import datastore as ds
from zhengwu.exchange import ingest, selectors, services
from zhengwu.exchange.tests.conftest import (  # noqa: F401 - fixtures
    _fields_cache_empty, civil, civil_resource, civil_steward, county, edu, edu_steward, office, office_steward,
)
from zhengwu.exchange.tests.helpers import GOOD_ROWS, NEXT_YEAR, TODAY, csv_bytes
from zhengwu.org.roles import Role
from zhengwu.supervision.models import Alert
from zhengwu.supervision.services import supervision_sweep

pytestmark = pytest.mark.django_db(databases=ds.TEST_DATABASES)


def test_an_undecided_request_becomes_a_red_alert_for_the_provider(civil_resource, civil, edu, edu_steward):
    req = services.request_submit(actor=edu_steward, unit=edu, resource=civil_resource, purpose="核对", fields=["bh"],
                                  period_from=TODAY, period_to=NEXT_YEAR, legal_basis="依据")
    supervision_sweep(today=req.clock.due_on + dt.timedelta(days=1))
    alert = Alert.objects.get(owner_type=selectors.REQUEST_CLOCK, level=Alert.Level.RED)
    assert alert.unit_id == civil.pk and alert.role == Role.DATA_STEWARD and alert.owner_id == str(req.pk)


def test_a_resource_past_its_cycle_becomes_a_red_alert(civil_resource, civil, civil_steward):
    ingest.resource_load_file(actor=civil_steward, resource=civil_resource, stream=csv_bytes(GOOD_ROWS), file_name="a.csv")
    civil_resource.refresh_from_db()
    supervision_sweep(today=civil_resource.freshness_clock.due_on + dt.timedelta(days=1))
    alert = Alert.objects.get(owner_type=selectors.FRESHNESS_CLOCK, level=Alert.Level.RED)
    assert alert.unit_id == civil.pk and alert.owner_id == str(civil_resource.pk)
