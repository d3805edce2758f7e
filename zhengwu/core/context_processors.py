from .models import SiteIdentity


def site(request):
    """Footer identity fields on every page (one cheap primary-key query)."""
    return {"site_identity": SiteIdentity.current()}
