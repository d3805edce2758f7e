"""The published power operation flowchart (权力运行流程图) as BPMN 2.0 XML."""

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe

from zhengwu.catalog import selectors as catalog_selectors
from zhengwu.core.access import PUBLIC, access
from zhengwu.core.errors import NotFound

from ..bpmn import definition_to_bpmn
from ..selectors import process_definition_published


@access(PUBLIC)
@require_safe
def item_flow_bpmn(request, code):
    try:
        item = catalog_selectors.item_get(code=code)
    except NotFound:
        raise Http404("事项不存在") from None
    definition = process_definition_published(item=item)
    if definition is None:
        raise Http404("该事项暂未公布办理流程")
    response = HttpResponse(
        definition_to_bpmn(definition), content_type="application/xml; charset=utf-8"
    )
    version = f"-v{definition.version}" if definition.version else ""
    response["Content-Disposition"] = f'inline; filename="{item.code}{version}.bpmn"'
    return response
