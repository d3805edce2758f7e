from django.conf import settings
from django.core.cache import cache
from django.utils.functional import SimpleLazyObject

from .models import SiteIdentity
from .page_cache import content_version


def site(request):
    """Footer identity fields on every page.

    Read lazily and kept in the cache under the public-content version (site identity
    changes are audited as ``core.site_identity.*``, which bumps that version), so a page
    that is not served from the page cache (login, 404, personal pages) does not pay a
    query for a footer that almost never changes.
    """
    return {"site_identity": SimpleLazyObject(_site_identity)}


def _site_identity() -> SiteIdentity:
    key = f"zw:site_identity:{content_version()}"
    identity = cache.get(key)
    if identity is None:
        identity = SiteIdentity.current()
        cache.set(key, identity, settings.ZHENGWU_PAGE_CACHE_SECONDS)
    return identity
