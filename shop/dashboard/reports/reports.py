"""Oscar's report downloads (orders, products, users, baskets, offers, vouchers), written
through the floor's CSV writer (`shop.csvsafe`)."""

from oscar.apps.dashboard.reports import reports

from shop import csvsafe


class ReportCSVFormatter(reports.ReportCSVFormatter):
    def get_csv_writer(self, file_handle, **kwargs):
        return csvsafe.OscarWriter(open_file=file_handle, **kwargs)
