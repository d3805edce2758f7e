"""The packaged basic catalog (附件2) and the script that extracts it from the seed."""

import importlib.util
from pathlib import Path

import pytest

from zhengwu.catalog.services import BASIC_CATALOG_PATH, basic_catalog_read

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "extract_catalog.py"

# Same layout as the seed: ASCII and full-width punctuation mixed, a group line before items.
SEED_EXCERPT = """前文
附件2:
县级政府依托电子政务平台开展 政务公开和政务服务事项基本目录
(共5项)
第一类 政府信息公开事项(2项)
政府信息公开条例规定事项
1.行政法规、规章和规范性文件;
财政专项资金管理和使用情况
2.村级公益事业建设一事一议财政奖补资金管理和使用情况;
第二类 行政职权事项(2项)
公安工作
1.申领、换领、补领居民身份证办理;
2.户口迁移审批。
第三类 便民服务事项(1项)
1.民间纠纷调解受理。
后文
"""
END = "1.民间纠纷调解受理。"


@pytest.fixture(scope="module")
def extractor():
    spec = importlib.util.spec_from_file_location("extract_catalog", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_packaged_catalog_lives_inside_the_project():
    assert BASIC_CATALOG_PATH.is_file()
    assert Path(__file__).resolve().parents[1] in BASIC_CATALOG_PATH.parents


def test_packaged_catalog_has_65_295_25_items(extractor):
    data = basic_catalog_read()
    extractor.check(data)  # raises on any count mismatch
    counts = {}
    for item in data["items"]:
        counts[item["category"]] = counts.get(item["category"], 0) + 1
    assert counts == {"disclosure": 65, "power": 295, "convenience": 25}


def test_packaged_catalog_numbers_run_per_category():
    data = basic_catalog_read()
    for category, total in (("disclosure", 65), ("power", 295), ("convenience", 25)):
        seqs = [i["seq"] for i in data["items"] if i["category"] == category]
        assert seqs == list(range(1, total + 1))


def test_packaged_catalog_keeps_the_seed_duplicate_power_items():
    items = {i["code"]: i for i in basic_catalog_read()["items"]}
    assert items["QL228"]["name"] == items["QL238"]["name"] == "企业所得税征收"


def test_packaged_names_have_no_trailing_punctuation():
    for item in basic_catalog_read()["items"]:
        assert item["name"] and item["name"][-1] not in ";;。", item


def test_extractor_parses_groups_areas_and_numbers(extractor):
    data = extractor.parse(SEED_EXCERPT, END)
    assert [(a["code"], a["name"]) for a in data["work_areas"]] == [
        ("gk-1", "政府信息公开条例规定事项"),
        ("gk-2", "财政专项资金管理和使用情况"),
        ("ql-01", "公安工作"),
        ("bm-1", "便民服务事项"),
    ]
    assert [(i["code"], i["work_area"], i["name"]) for i in data["items"]] == [
        ("GK001", "gk-1", "行政法规、规章和规范性文件"),
        ("GK002", "gk-2", "村级公益事业建设一事一议财政奖补资金管理和使用情况"),
        ("QL001", "ql-01", "申领、换领、补领居民身份证办理"),
        ("QL002", "ql-01", "户口迁移审批"),
        ("BM001", "bm-1", "民间纠纷调解受理"),
    ]


def test_extractor_rejects_a_gap_in_the_numbering(extractor):
    broken = SEED_EXCERPT.replace("2.户口迁移审批。", "3.户口迁移审批。")
    with pytest.raises(ValueError):
        extractor.parse(broken, END)


def test_extractor_rejects_a_count_that_differs_from_the_heading(extractor):
    broken = SEED_EXCERPT.replace("第二类 行政职权事项(2项)", "第二类 行政职权事项(3项)")
    with pytest.raises(ValueError):
        extractor.parse(broken, END)
