"""BPMN 2.0 export of process definitions: structure, diagram, determinism, and the public XML URL."""

import pytest
from django.urls import reverse
from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator

from zhengwu.cases import bpmn
from zhengwu.cases.models import ProcessDefinition
from zhengwu.cases.selectors import process_definition_published
from zhengwu.cases.services import (
    default_steps_for,
    process_default_for_item,
    process_definition_publish,
)
from zhengwu.catalog.models import Category
from zhengwu.catalog.tests.factories import ItemFactory, WorkAreaFactory
from zhengwu.org.roles import Role

NS = {"bpmn": bpmn.BPMN, "bpmndi": bpmn.BPMNDI, "dc": bpmn.DC, "di": bpmn.DI}

# A definition unlike the default: two steps in one lane, a clock-stopping step, and a
# middle step that may refuse and conclude early.
CUSTOM_STEPS = [
    {
        "key": "accept",
        "name": "受理",
        "role": "window_clerk",
        "limit_days": 1,
        "warn_days": 0,
        "outcomes": ["accept", "refuse", "request_correction"],
        "stops_clock": False,
    },
    {
        "key": "review",
        "name": "初审",
        "role": "reviewer",
        "limit_days": 3,
        "warn_days": 1,
        "outcomes": ["review_pass", "return", "refuse", "conclude"],
        "stops_clock": False,
    },
    {
        "key": "expert",
        "name": "专家评审",
        "role": "reviewer",
        "limit_days": 5,
        "warn_days": 1,
        "outcomes": ["review_pass", "return"],
        "stops_clock": True,
    },
    {
        "key": "approve",
        "name": "审批",
        "role": "approver",
        "limit_days": 2,
        "warn_days": 1,
        "outcomes": ["approve", "reject", "return"],
        "stops_clock": False,
    },
]


def parse(xml: str):
    return etree.fromstring(xml.encode("utf-8"))


def default_steps(limit=20):
    return default_steps_for(
        type("I", (), {"promised_limit_days": limit, "statutory_limit_days": limit})()
    )


@pytest.mark.parametrize(
    "steps",
    [default_steps(), default_steps(0), CUSTOM_STEPS],
    ids=["default", "instant", "custom"],
)
def test_export_is_valid_bpmn_with_every_reference_resolved(steps):
    # Given a definition, when it is exported,
    xml = bpmn.steps_to_bpmn(
        steps, item_code="QL017", item_name="农村村民宅基地审批", version=2
    )
    root = parse(xml)

    # then it validates against the BPMN 2.0 XML schema (SpiffWorkflow ships the XSD),
    BpmnValidator().validate(root)
    process = root.find("bpmn:process", NS)
    node_ids = {el.get("id") for el in process if el.tag != f"{{{bpmn.BPMN}}}laneSet"}
    flows = process.findall("bpmn:sequenceFlow", NS)
    flow_nodes = node_ids - {f.get("id") for f in flows}

    # every flowNodeRef in a lane names a node, and every node sits in exactly one lane,
    refs = [
        r.text for r in process.findall("bpmn:laneSet/bpmn:lane/bpmn:flowNodeRef", NS)
    ]
    assert sorted(refs) == sorted(flow_nodes)
    # every sequence flow joins two existing nodes,
    for f in flows:
        assert f.get("sourceRef") in flow_nodes and f.get("targetRef") in flow_nodes
    # every diagram element points at a model element and every element has exactly one,
    plane = root.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    shapes = [s.get("bpmnElement") for s in plane.findall("bpmndi:BPMNShape", NS)]
    edges = [e.get("bpmnElement") for e in plane.findall("bpmndi:BPMNEdge", NS)]
    lanes = [lane.get("id") for lane in process.findall("bpmn:laneSet/bpmn:lane", NS)]
    participant = root.find("bpmn:collaboration/bpmn:participant", NS)
    assert sorted(shapes) == sorted(flow_nodes | set(lanes) | {participant.get("id")})
    assert sorted(edges) == sorted(f.get("id") for f in flows)
    assert all(
        len(e.findall("di:waypoint", NS)) >= 2
        for e in plane.findall("bpmndi:BPMNEdge", NS)
    )
    assert plane.get("bpmnElement") == root.find("bpmn:collaboration", NS).get("id")
    assert participant.get("processRef") == process.get("id")


def test_export_has_one_user_task_per_step_with_limits_and_lanes_named_after_posts():
    steps = default_steps(20)
    root = parse(bpmn.steps_to_bpmn(steps, item_code="QL017"))
    process = root.find("bpmn:process", NS)

    tasks = process.findall("bpmn:userTask", NS)
    assert [t.get("name") for t in tasks] == [s["name"] for s in steps]
    for task, step in zip(tasks, steps, strict=True):
        doc = task.find("bpmn:documentation", NS).text
        assert f"办理时限:{step['limit_days']} 个工作日" in doc
        assert f"到期前 {step['warn_days']} 个工作日" in doc
    lanes = process.findall("bpmn:laneSet/bpmn:lane", NS)
    assert [lane.get("name") for lane in lanes] == [
        Role(s["role"]).label for s in steps
    ]
    # Each task sits in its post's lane.
    for lane, task in zip(lanes, tasks, strict=True):
        assert task.get("id") in [r.text for r in lane.findall("bpmn:flowNodeRef", NS)]
    assert len(process.findall("bpmn:startEvent", NS)) == 1
    assert len(process.findall("bpmn:exclusiveGateway", NS)) == len(steps)


def test_posts_used_by_several_steps_share_one_lane_and_shapes_stay_inside_it():
    root = parse(bpmn.steps_to_bpmn(CUSTOM_STEPS, item_code="X1"))
    process = root.find("bpmn:process", NS)
    lanes = process.findall("bpmn:laneSet/bpmn:lane", NS)
    assert [lane.get("name") for lane in lanes] == ["窗口人员", "审核人", "审批人"]
    bounds = {
        s.get("bpmnElement"): tuple(
            int(s.find("dc:Bounds", NS).get(k)) for k in ("x", "y", "width", "height")
        )
        for s in root.iter(f"{{{bpmn.BPMNDI}}}BPMNShape")
    }
    for lane in lanes:
        lx, ly, lw, lh = bounds[lane.get("id")]
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            x, y, w, h = bounds[ref.text]
            assert lx <= x and x + w <= lx + lw and ly <= y and y + h <= ly + lh, (
                ref.text
            )


def test_gateways_offer_exactly_the_outcomes_the_engine_allows_per_step():
    root = parse(bpmn.steps_to_bpmn(CUSTOM_STEPS, item_code="X1"))
    process = root.find("bpmn:process", NS)
    by_gateway = {}
    for f in process.findall("bpmn:sequenceFlow", NS):
        cond = f.find("bpmn:conditionExpression", NS)
        if cond is not None:
            by_gateway.setdefault(f.get("sourceRef"), {})[cond.text] = f.get(
                "targetRef"
            )
    assert by_gateway == {
        "Gateway_accept": {
            'outcome == "advance"': "Task_review",
            'outcome == "refuse"': "EndEvent_accept_refuse",
        },
        "Gateway_review": {
            'outcome == "advance"': "Task_expert",
            'outcome == "return"': "Task_accept",
            'outcome == "refuse"': "EndEvent_review_refuse",
            'outcome == "conclude"': "EndEvent_review_conclude",
        },
        "Gateway_expert": {
            'outcome == "advance"': "Task_approve",
            'outcome == "return"': "Task_review",
        },
        "Gateway_approve": {
            'outcome == "advance"': "EndEvent_concluded",
            'outcome == "return"': "Task_expert",
        },
    }
    doc = process.find("bpmn:userTask[@id='Task_expert']/bpmn:documentation", NS).text
    assert "本环节不计入办理时限" in doc


def test_first_step_never_offers_a_return_even_if_listed():
    steps = [dict(CUSTOM_STEPS[0], outcomes=["accept", "return"]), CUSTOM_STEPS[3]]
    assert bpmn.step_outcomes(steps, 0) == [bpmn.ADVANCE]
    root = parse(bpmn.steps_to_bpmn(steps, item_code="X1"))
    assert not root.findall(".//bpmn:sequenceFlow[@id='Flow_accept_return']", NS)


def test_export_is_deterministic_and_changes_with_the_definition():
    a = bpmn.steps_to_bpmn(
        default_steps(20), item_code="QL017", item_name="甲", version=1
    )
    b = bpmn.steps_to_bpmn(
        default_steps(20), item_code="QL017", item_name="甲", version=1
    )
    c = bpmn.steps_to_bpmn(
        default_steps(30), item_code="QL017", item_name="甲", version=1
    )
    assert a == b
    assert a != c


def test_empty_definition_is_refused():
    with pytest.raises(ValueError):
        bpmn.steps_to_bpmn([], item_code="X")


# --- the published definition and the XML URL ----------------------------------------


@pytest.mark.django_db
def test_power_item_without_definition_publishes_the_unsaved_default():
    item = ItemFactory(promised_limit_days=10, statutory_limit_days=20)
    shown = process_definition_published(item=item)
    assert shown.pk is None and shown.version == 0
    assert shown.steps == default_steps_for(item)
    assert not ProcessDefinition.objects.exists()


@pytest.mark.django_db
def test_non_power_item_without_definition_publishes_nothing():
    item = ItemFactory(work_area=WorkAreaFactory(category=Category.CONVENIENCE))
    assert process_definition_published(item=item) is None


@pytest.mark.django_db
def test_flow_url_serves_the_default_as_xml_without_writing(client):
    item = ItemFactory(promised_limit_days=10, statutory_limit_days=20)
    response = client.get(reverse("cases:item_flow_bpmn", args=[item.code]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert response.content.decode() == bpmn.steps_to_bpmn(
        default_steps_for(item), item_code=item.code, item_name=item.name
    )
    assert not ProcessDefinition.objects.exists()


@pytest.mark.django_db
def test_flow_url_serves_the_current_version(client):
    item = ItemFactory(promised_limit_days=10, statutory_limit_days=20)
    process_default_for_item(actor=None, item=item)
    current = process_definition_publish(actor=None, item=item, steps=CUSTOM_STEPS)
    response = client.get(reverse("cases:item_flow_bpmn", args=[item.code]))
    assert response.status_code == 200
    assert response.content.decode() == bpmn.definition_to_bpmn(current)
    assert (
        b"\xe7\xac\xac2\xe7\x89\x88" in response.content
    )  # "第2版" in the pool's name
    assert response["Content-Disposition"] == f'inline; filename="{item.code}-v2.bpmn"'


@pytest.mark.django_db
def test_flow_url_is_404_for_unknown_or_non_power_items(client):
    assert (
        client.get(reverse("cases:item_flow_bpmn", args=["NOPE999"])).status_code == 404
    )
    other = ItemFactory(work_area=WorkAreaFactory(category=Category.CONVENIENCE))
    assert (
        client.get(reverse("cases:item_flow_bpmn", args=[other.code])).status_code
        == 404
    )


@pytest.mark.django_db
def test_item_page_shows_the_flowchart_block_and_step_table_for_power_items(client):
    item = ItemFactory(promised_limit_days=10, statutory_limit_days=20)
    page = client.get(reverse("portal:item", args=[item.code])).content.decode()
    assert "权力运行流程图" in page
    assert (
        f'data-bpmn-url="{reverse("cases:item_flow_bpmn", args=[item.code])}"' in page
    )
    for step in default_steps_for(item):
        assert (
            f'<th scope="row">{step["name"]}</th><td>{Role(step["role"]).label}</td>'
            in page
        )
    assert "bpmn-viewer.production.min.js" in page
    assert not ProcessDefinition.objects.exists()

    other = ItemFactory(work_area=WorkAreaFactory(category=Category.CONVENIENCE))
    page = client.get(reverse("portal:item", args=[other.code])).content.decode()
    assert "权力运行流程图" not in page and "bpmn-viewer" not in page


@pytest.mark.django_db
def test_publishing_a_new_version_refreshes_the_cached_item_page(
    client, django_capture_on_commit_callbacks
):
    # Given an anonymous visitor has the page with the default flowchart from the page cache,
    item = ItemFactory(promised_limit_days=10, statutory_limit_days=20)
    url = reverse("portal:item", args=[item.code])
    assert "默认流程" in client.get(url).content.decode()
    # when a version is published (an audited "cases.process." change),
    with django_capture_on_commit_callbacks(execute=True):
        process_definition_publish(actor=None, item=item, steps=CUSTOM_STEPS)
    # then the next view shows it.
    page = client.get(url).content.decode()
    assert "第 1 版" in page and "专家评审" in page
