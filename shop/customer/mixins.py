from oscar.apps.customer import mixins

from shop.privacy import services as privacy


class RegisterUserMixin(mixins.RegisterUserMixin):
    """Oscar's, recording the consents the registration form asked for (shop.privacy)."""

    def register_user(self, form):
        user = super().register_user(form)
        privacy.consents_record_from_form(form=form, user=user, method="registration")
        return user
