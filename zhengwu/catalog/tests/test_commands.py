import pytest
from django.core.management import call_command

from zhengwu.catalog.models import Item

pytestmark = pytest.mark.django_db


def test_load_catalog_prints_a_chinese_summary(capsys):
    call_command("load_catalog")
    out = capsys.readouterr().out
    assert "事项目录已载入:新增 385,更新 0,未变 0;合计 385 项(公开 65 / 职权 295 / 便民 25)" in out
    assert Item.objects.count() == 385


def test_load_catalog_twice_reports_everything_unchanged(capsys):
    call_command("load_catalog")
    capsys.readouterr()
    call_command("load_catalog")
    assert "新增 0,更新 0,未变 385" in capsys.readouterr().out
