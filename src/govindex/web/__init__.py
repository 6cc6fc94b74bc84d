"""The dashboard and open-data API: server-rendered pages, their JSON twins, downloads.

The web layer renders views (:mod:`govindex.views`) and computes no statistics.
``create_app(dashboard)`` builds the FastAPI app; ``export_site`` writes the same pages
as static files.
"""

from govindex.web.app import PageService, create_app, create_app_for_store, static_folder
from govindex.web.errors import WebError

__all__ = ["PageService", "WebError", "create_app", "create_app_for_store", "static_folder"]
