"""The operators' order list, whose CSV download goes through the floor's CSV writer and whose
search summary names a status as the operator reads it."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from oscar.apps.dashboard.orders import views

from shop import csvsafe
from shop.order import statuses


class OrderListView(views.OrderListView):
    def download_selected_orders(self, request, orders):
        response = HttpResponse(content_type="text/csv")
        response["Content-Disposition"] = (
            f"attachment; filename={self.get_download_filename(request)}"
        )
        writer = csvsafe.OscarWriter(open_file=response)
        writer.writerow(self.CSV_COLUMNS.values())
        for order in orders:
            values = self.get_row_values(order)
            writer.writerow([values.get(column, "") for column in self.CSV_COLUMNS])
        return response

    def get_search_filter_descriptions(self):
        descriptions = super().get_search_filter_descriptions()
        status = getattr(self.form, "cleaned_data", {}).get("status")
        if not status:
            return descriptions
        stored = _("Order status is {order_status}").format(order_status=status)
        shown = _("Order status is {order_status}").format(order_status=statuses.label(status))
        return [shown if text == stored else text for text in descriptions]
