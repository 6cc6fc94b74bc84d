"""Reports made from the dashboard's views: a province profile (PDF) and the national
ranking (XLSX workbook), in Vietnamese or English.
"""

from govindex.reports.profile import profile_html, profile_pdf
from govindex.reports.workbook import national_workbook

__all__ = ["national_workbook", "profile_html", "profile_pdf"]
