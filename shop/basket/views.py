from oscar.apps.basket import views


class BasketView(views.BasketView):
    def get_context_data(self, **kwargs):
        """Oscar's, with the lines' images loaded at once for their thumbnails."""
        self.request.basket.images_load()
        return super().get_context_data(**kwargs)
