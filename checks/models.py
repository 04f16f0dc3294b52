from checks.report_models import CreditReport, CreditReportCounter, ReportChannel  # noqa: F401 - credit reports
