"""``{{ unit|unit_name_on:day }}``: the name a unit bore on a day (pages about older records)."""

from django import template

from zhengwu.org.selectors import unit_name_on as _unit_name_on

register = template.Library()


@register.filter
def unit_name_on(unit, on):
    return _unit_name_on(unit, on)
