"""Export a process definition as BPMN 2.0 XML: the published power operation flowchart.

The engine (``engine.transition``) stays the one that runs cases; this export is the
public picture of the same rules, shown read-only with the bpmn-js viewer on the item
page. It is also executable: each step's exclusive gateway reads one process variable,
``outcome``, whose values are the path-changing results the engine allows in that step:

* ``advance``  — 受理 / 审查通过 / 准予许可 / 不予许可 move to the next step (办结 after
  the last step);
* ``return``   — 退回上一环节 (not offered on the first step, the engine refuses it there);
* ``refuse``   — 不予受理 ends the case early;
* ``conclude`` — 办结 ends the case.

Actions that keep the case in its step (一次性告知补正, 特别程序, 延长时限, 转办) do not
leave the user task; they are listed in the task's documentation. A test drives random
histories through the engine and SpiffWorkflow on this XML and checks both agree.

Layout: one horizontal lane per post in order of first use, steps left to right; the
diagram interchange (BPMNShape / BPMNEdge) is complete so bpmn-js needs no auto-layout.
Output is a pure function of the steps and the item code, so the same definition
always exports the same bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from . import engine

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {"bpmn": BPMN, "bpmndi": BPMNDI, "dc": DC, "di": DI, "xsi": XSI}

OUTCOME_VARIABLE = "outcome"
ADVANCE, RETURN, REFUSE, CONCLUDE = "advance", "return", "refuse", "conclude"

# Geometry (pixels). Lanes are stacked; every step takes one column.
POOL_X, POOL_Y, POOL_LABEL_W = 40, 40, 30
LANE_H = 150
COL_W = 240
FIRST_COL_X = POOL_X + POOL_LABEL_W + 130
TASK_W, TASK_H = 110, 80
TASK_DY = 22  # task top below the lane top
GW = 50
EV = 36


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _id_part(text: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_]", "_", str(text))
    return cleaned or "x"


def role_label(role: str) -> str:
    from zhengwu.org.roles import Role  # a TextChoices enum: no database

    try:
        return str(Role(role).label)
    except ValueError:
        return role


@dataclass(frozen=True)
class Flow:
    id: str
    source: str
    target: str
    name: str
    outcome: str | None
    waypoints: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Node:
    id: str
    kind: str  # startEvent / userTask / exclusiveGateway / endEvent
    name: str
    lane: str
    bounds: tuple[int, int, int, int]
    documentation: str = ""
    end_status: str = ""  # endEvent only: the engine status it stands for


def step_outcomes(steps: list[dict], index: int) -> list[str]:
    """The path-changing outcomes the engine allows in step ``index``, in a fixed order."""
    allowed = set(steps[index].get("outcomes", []))
    found = []
    if allowed & engine.ADVANCING:
        found.append(ADVANCE)
    if "return" in allowed and index > 0:
        found.append(RETURN)
    if "refuse" in allowed:
        found.append(REFUSE)
    if "conclude" in allowed:
        found.append(CONCLUDE)
    return found


def _documentation(step: dict) -> str:
    parts = [
        f"岗位:{role_label(step['role'])}",
        f"办理时限:{step['limit_days']} 个工作日",
    ]
    parts.append(f"预警:到期前 {step['warn_days']} 个工作日亮黄牌")
    if step.get("stops_clock"):
        parts.append("本环节不计入办理时限")
    actions = [
        engine.STEP_ACTIONS[o]
        for o in step.get("outcomes", [])
        if o in engine.STEP_ACTIONS
    ]
    if actions:
        parts.append("可办理:" + "、".join(actions))
    return ";".join(parts)


def _layout(steps: list[dict]):
    """Nodes, flows and lanes with their coordinates."""
    roles: list[str] = []
    for step in steps:
        if step["role"] not in roles:
            roles.append(step["role"])
    lane_top = {role: POOL_Y + i * LANE_H for i, role in enumerate(roles)}
    lane_x = POOL_X + POOL_LABEL_W
    n = len(steps)
    pool_w = POOL_LABEL_W + (FIRST_COL_X - POOL_X - POOL_LABEL_W) + n * COL_W + 120

    nodes: list[Node] = []
    flows: list[Flow] = []

    def task_bounds(i):
        top = lane_top[steps[i]["role"]]
        return (FIRST_COL_X + i * COL_W, top + TASK_DY, TASK_W, TASK_H)

    def gw_bounds(i):
        x, y, w, h = task_bounds(i)
        return (x + w + 40, y + (h - GW) // 2, GW, GW)

    def mid_y(b):
        return b[1] + b[3] // 2

    def mid_x(b):
        return b[0] + b[2] // 2

    first = task_bounds(0)
    start = Node(
        "StartEvent_submit",
        "startEvent",
        "提交申请",
        steps[0]["role"],
        (first[0] - 90, mid_y(first) - EV // 2, EV, EV),
    )
    nodes.append(start)
    flows.append(
        Flow(
            f"Flow_start_{steps[0]['key']}",
            start.id,
            f"Task_{steps[0]['key']}",
            "",
            None,
            ((start.bounds[0] + EV, mid_y(first)), (first[0], mid_y(first))),
        )
    )

    last_gw = gw_bounds(n - 1)
    end_done = Node(
        "EndEvent_concluded",
        "endEvent",
        "办结",
        steps[-1]["role"],
        (last_gw[0] + GW + 50, mid_y(last_gw) - EV // 2, EV, EV),
        end_status=engine.CONCLUDED,
    )

    for i, step in enumerate(steps):
        key = step["key"]
        tb, gb = task_bounds(i), gw_bounds(i)
        lane = step["role"]
        task_id, gw_id = f"Task_{key}", f"Gateway_{key}"
        nodes.append(
            Node(
                task_id,
                "userTask",
                step["name"],
                lane,
                tb,
                documentation=_documentation(step),
            )
        )
        nodes.append(Node(gw_id, "exclusiveGateway", "", lane, gb))
        flows.append(
            Flow(
                f"Flow_{key}_decide",
                task_id,
                gw_id,
                "",
                None,
                ((tb[0] + TASK_W, mid_y(tb)), (gb[0], mid_y(gb))),
            )
        )
        outcomes = step_outcomes(steps, i)
        early_ends = 0
        for outcome in outcomes:
            if outcome == ADVANCE:
                labels = [
                    engine.STEP_ACTIONS[a]
                    for a in step["outcomes"]
                    if a in engine.ADVANCING
                ]
                name = "/".join(labels)
                if i + 1 < n:
                    nb = task_bounds(i + 1)
                    target = f"Task_{steps[i + 1]['key']}"
                    if mid_y(nb) == mid_y(gb):
                        points = ((gb[0] + GW, mid_y(gb)), (nb[0], mid_y(nb)))
                    else:
                        turn = gb[0] + GW + 25
                        points = (
                            (gb[0] + GW, mid_y(gb)),
                            (turn, mid_y(gb)),
                            (turn, mid_y(nb)),
                            (nb[0], mid_y(nb)),
                        )
                else:
                    target = end_done.id
                    points = ((gb[0] + GW, mid_y(gb)), (end_done.bounds[0], mid_y(gb)))
                flows.append(
                    Flow(f"Flow_{key}_advance", gw_id, target, name, ADVANCE, points)
                )
            elif outcome == RETURN:
                pb = task_bounds(i - 1)
                top_lane = min(lane_top[lane], lane_top[steps[i - 1]["role"]])
                over = top_lane + 10
                points = (
                    (mid_x(gb), gb[1]),
                    (mid_x(gb), over),
                    (mid_x(pb), over),
                    (mid_x(pb), pb[1]),
                )
                flows.append(
                    Flow(
                        f"Flow_{key}_return",
                        gw_id,
                        f"Task_{steps[i - 1]['key']}",
                        "退回上一环节",
                        RETURN,
                        points,
                    )
                )
            else:
                is_last_conclude = outcome == CONCLUDE and i == n - 1
                if is_last_conclude:
                    target = end_done.id
                    points = (
                        (mid_x(gb), gb[1] + GW),
                        (mid_x(gb), gb[1] + GW + 12),
                        (end_done.bounds[0] + EV // 2, gb[1] + GW + 12),
                        (end_done.bounds[0] + EV // 2, end_done.bounds[1] + EV),
                    )
                    if ADVANCE not in outcomes:
                        points = (
                            (gb[0] + GW, mid_y(gb)),
                            (end_done.bounds[0], mid_y(gb)),
                        )
                else:
                    status = engine.REFUSED if outcome == REFUSE else engine.CONCLUDED
                    ex = gb[0] + (GW - EV) // 2 + early_ends * 60
                    ey = lane_top[lane] + LANE_H - EV - 18
                    end = Node(
                        f"EndEvent_{key}_{outcome}",
                        "endEvent",
                        engine.STATUS_LABELS[status],
                        lane,
                        (ex, ey, EV, EV),
                        end_status=status,
                    )
                    nodes.append(end)
                    early_ends += 1
                    target = end.id
                    if early_ends == 1:
                        points = ((mid_x(gb), gb[1] + GW), (mid_x(gb), ey))
                    else:
                        points = (
                            (mid_x(gb), gb[1] + GW),
                            (mid_x(gb), ey - 10),
                            (ex + EV // 2, ey - 10),
                            (ex + EV // 2, ey),
                        )
                name = engine.STEP_ACTIONS[
                    "refuse" if outcome == REFUSE else "conclude"
                ]
                flows.append(
                    Flow(f"Flow_{key}_{outcome}", gw_id, target, name, outcome, points)
                )
    nodes.append(end_done)
    lanes = [
        (role, (lane_x, lane_top[role], pool_w - POOL_LABEL_W, LANE_H))
        for role in roles
    ]
    pool = (POOL_X, POOL_Y, pool_w, LANE_H * len(roles))
    return nodes, flows, lanes, pool


def definition_ids(item_code: str) -> dict[str, str]:
    part = _id_part(item_code)
    return {
        "process": f"Process_{part}",
        "collaboration": f"Collaboration_{part}",
        "participant": f"Participant_{part}",
    }


def steps_to_bpmn(
    steps: list[dict],
    *,
    item_code: str,
    item_name: str = "",
    version: int | None = None,
) -> str:
    """The BPMN 2.0 XML (UTF-8 text) for one definition's ``steps``."""
    if not steps:
        raise ValueError("a process definition needs at least one step")
    nodes, flows, lanes, pool = _layout(steps)
    ids = definition_ids(item_code)
    title = item_name or item_code
    if version:
        title = f"{title}(第{version}版)"

    root = etree.Element(_q(BPMN, "definitions"), nsmap=NSMAP)
    root.set("id", f"Definitions_{_id_part(item_code)}")
    root.set("targetNamespace", "https://zhengwu.example/bpmn")
    root.set("exporter", "zhengwu")
    root.set("exporterVersion", "1")

    collab = etree.SubElement(root, _q(BPMN, "collaboration"), id=ids["collaboration"])
    etree.SubElement(
        collab,
        _q(BPMN, "participant"),
        id=ids["participant"],
        name=title,
        processRef=ids["process"],
    )

    process = etree.SubElement(
        root, _q(BPMN, "process"), id=ids["process"], name=title, isExecutable="true"
    )
    lane_set = etree.SubElement(
        process, _q(BPMN, "laneSet"), id=f"LaneSet_{_id_part(item_code)}"
    )
    for role, _bounds in lanes:
        lane_el = etree.SubElement(
            lane_set,
            _q(BPMN, "lane"),
            id=f"Lane_{_id_part(role)}",
            name=role_label(role),
        )
        for node in nodes:
            if node.lane == role:
                etree.SubElement(lane_el, _q(BPMN, "flowNodeRef")).text = node.id

    incoming: dict[str, list[str]] = {}
    outgoing: dict[str, list[str]] = {}
    for flow in flows:
        outgoing.setdefault(flow.source, []).append(flow.id)
        incoming.setdefault(flow.target, []).append(flow.id)
    for node in nodes:
        el = etree.SubElement(process, _q(BPMN, node.kind), id=node.id)
        if node.name:
            el.set("name", node.name)
        if node.documentation:
            etree.SubElement(el, _q(BPMN, "documentation")).text = node.documentation
        for fid in incoming.get(node.id, []):
            etree.SubElement(el, _q(BPMN, "incoming")).text = fid
        for fid in outgoing.get(node.id, []):
            etree.SubElement(el, _q(BPMN, "outgoing")).text = fid
    for flow in flows:
        el = etree.SubElement(
            process,
            _q(BPMN, "sequenceFlow"),
            id=flow.id,
            sourceRef=flow.source,
            targetRef=flow.target,
        )
        if flow.name:
            el.set("name", flow.name)
        if flow.outcome:
            cond = etree.SubElement(el, _q(BPMN, "conditionExpression"))
            cond.set(_q(XSI, "type"), "bpmn:tFormalExpression")
            cond.text = f'{OUTCOME_VARIABLE} == "{flow.outcome}"'

    diagram = etree.SubElement(
        root, _q(BPMNDI, "BPMNDiagram"), id=f"Diagram_{_id_part(item_code)}"
    )
    plane = etree.SubElement(
        diagram,
        _q(BPMNDI, "BPMNPlane"),
        id=f"Plane_{_id_part(item_code)}",
        bpmnElement=ids["collaboration"],
    )

    def shape(element_id, bounds, **attrs):
        el = etree.SubElement(
            plane,
            _q(BPMNDI, "BPMNShape"),
            id=f"{element_id}_di",
            bpmnElement=element_id,
            **attrs,
        )
        x, y, w, h = bounds
        etree.SubElement(
            el, _q(DC, "Bounds"), x=str(x), y=str(y), width=str(w), height=str(h)
        )
        return el

    shape(ids["participant"], pool, isHorizontal="true")
    for role, bounds in lanes:
        shape(f"Lane_{_id_part(role)}", bounds, isHorizontal="true")
    for node in nodes:
        el = shape(
            node.id,
            node.bounds,
            **({"isMarkerVisible": "true"} if node.kind == "exclusiveGateway" else {}),
        )
        if node.kind in ("startEvent", "endEvent"):
            x, y, w, h = node.bounds
            label = etree.SubElement(el, _q(BPMNDI, "BPMNLabel"))
            etree.SubElement(
                label,
                _q(DC, "Bounds"),
                x=str(x - 12),
                y=str(y + h + 4),
                width=str(w + 24),
                height="14",
            )
    for flow in flows:
        el = etree.SubElement(
            plane, _q(BPMNDI, "BPMNEdge"), id=f"{flow.id}_di", bpmnElement=flow.id
        )
        for x, y in flow.waypoints:
            etree.SubElement(el, _q(DI, "waypoint"), x=str(x), y=str(y))
        if flow.name:
            (x1, y1), (x2, y2) = flow.waypoints[0], flow.waypoints[1]
            label = etree.SubElement(el, _q(BPMNDI, "BPMNLabel"))
            lx, ly = (
                (min(x1, x2) + 4, min(y1, y2) - 18)
                if y1 == y2
                else (x1 + 6, (y1 + y2) // 2 - 7)
            )
            if flow.outcome == RETURN:
                lx, ly = flow.waypoints[2][0] + 8, flow.waypoints[1][1] + 3
            etree.SubElement(
                label,
                _q(DC, "Bounds"),
                x=str(lx),
                y=str(ly),
                width=str(max(14 * len(flow.name), 28)),
                height="14",
            )

    return etree.tostring(
        root, xml_declaration=True, encoding="UTF-8", pretty_print=True
    ).decode("utf-8")


def definition_to_bpmn(definition) -> str:
    """Export a ProcessDefinition (saved or not) as BPMN 2.0 XML text."""
    item = definition.item
    return steps_to_bpmn(
        list(definition.steps),
        item_code=item.code,
        item_name=item.name,
        version=definition.version or None,
    )
