"""``{% item_department_name item day %}``: the department that ran an item on a day,
under the name it bore then (机构沿革: a case of 2018 names 县国土资源局)."""

from django import template

from zhengwu.catalog.succession import item_department_on
from zhengwu.org.selectors import local_day, unit_name_on

register = template.Library()


@register.simple_tag
def item_department_name(item, on):
    if item is None:
        return ""
    day = local_day(on)
    unit_id = item_department_on(item, day) if day is not None else item.department_id
    if unit_id is None:
        return ""
    if unit_id == item.department_id and item.department is not None:
        return unit_name_on(item.department, day)
    return unit_name_on(unit_id, day)
