"""govindex: provincial governance indices from citizen-survey microdata, with honest uncertainty."""

from govindex.errors import GovIndexError

__version__ = "0.1.0"

__all__ = ["GovIndexError", "__version__"]
