"""The cases app's /api/v1/ routers: the applicant's (applicant) and the staff's (staff)."""
