"""A voucher set's codes as CSV, written through the floor's CSV writer."""

from django.http import HttpResponse
from django.utils.text import slugify
from oscar.apps.dashboard.vouchers import views

from shop import csvsafe


class VoucherSetDownloadView(views.VoucherSetDownloadView):
    def get(self, request, *args, **kwargs):
        voucher_set = self.get_object()
        response = HttpResponse(content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{slugify(voucher_set.name)}.csv"'
        writer = csvsafe.writer(response)
        for code in voucher_set.vouchers.values_list("code", flat=True):
            writer.writerow([code])
        return response
