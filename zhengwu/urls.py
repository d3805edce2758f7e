from django.contrib import admin
from django.urls import include, path

from zhengwu.api import api

admin.site.site_header = "政务信息平台 管理后台"
admin.site.site_title = "政务信息平台"
admin.site.index_title = "配置管理"

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("accounts/", include("zhengwu.accounts.urls")),
    path("files/", include("zhengwu.core.uploads.urls")),
    path("seal/", include("zhengwu.core.seal.urls")),
    path("office/supervision/", include("zhengwu.supervision.urls")),
    path("cases/", include("zhengwu.cases.urls")),
    path("office/cases/", include("zhengwu.cases.urls.staff")),
    path("", include("zhengwu.search.urls")),
    path("", include("zhengwu.disclosure.urls")),
    path("", include("zhengwu.disclosure_requests.urls")),
    path("", include("zhengwu.letters.urls")),
    path("", include("zhengwu.routing.urls")),
    path("", include("zhengwu.participation.urls")),
    path("", include("zhengwu.insights.urls")),
    path("", include("zhengwu.webstats.urls")),
    path("", include("zhengwu.sitegroup.urls")),
    path("", include("zhengwu.ratings.urls")),
    path("", include("zhengwu.notifications.urls")),
    path("", include("zhengwu.operations.urls")),
    path("", include("zhengwu.exchange.urls")),
    path("", include("zhengwu.org.urls")),
    path("", include("zhengwu.portal.urls")),
]

handler400 = "zhengwu.portal.views.error_400"
handler403 = "zhengwu.portal.views.error_403"
handler404 = "zhengwu.portal.views.error_404"
handler500 = "zhengwu.portal.views.error_500"
