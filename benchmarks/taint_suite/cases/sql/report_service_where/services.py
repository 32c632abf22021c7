from sqlalchemy import text

from .queries import where_equals


class ReportService:
    def __init__(self, session):
        self.session = session

    def sales_for(self, region):
        clause = where_equals("region", region)
        return self.session.execute(text("SELECT sum(amount) FROM sales " + clause)).scalar()  # vuln: sql


def get_report_service():
    from .db import SessionLocal

    return ReportService(SessionLocal())
