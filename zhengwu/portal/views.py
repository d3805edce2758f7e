from django.http import HttpResponse


def home(request):
    return HttpResponse("政务信息平台")


def error_400(request, exception=None):
    return HttpResponse("请求有误", status=400)


def error_403(request, exception=None):
    return HttpResponse("无权访问", status=403)


def error_404(request, exception=None):
    return HttpResponse("页面不存在", status=404)


def error_500(request):
    return HttpResponse("系统繁忙", status=500)
