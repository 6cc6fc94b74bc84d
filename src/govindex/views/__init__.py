"""What the dashboard, the open-data API, the static site and the reports show.

A shell between the store and the web: it reads stored runs (a :class:`Snapshot`) and asks
the analysis core for groups, national means, derived units and diagnoses, so that the web
layer renders views and computes nothing. Every view records the choices that made it.
"""

from govindex.views.dashboard import Dashboard, DashboardParameters
from govindex.views.explore import MAXIMUM_COMPARED
from govindex.views.overview import GEOGRAPHIES
from govindex.views.selection import GROUP_KEYS
from govindex.views.snapshot import Snapshot
from govindex.views.view import View, json_value

__all__ = [
    "GEOGRAPHIES",
    "GROUP_KEYS",
    "MAXIMUM_COMPARED",
    "Dashboard",
    "DashboardParameters",
    "Snapshot",
    "View",
    "json_value",
]
