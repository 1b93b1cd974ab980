"""Operators' page that unlocks accounts the login throttle locked."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shop import roles
from shop.accounts import forms, selectors, services


@roles.operator_required
@require_http_methods(["GET", "POST"])
def lockout_list(request):
    form = forms.UnlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        if services.lockout_release(username=username):
            messages.success(request, _("%(account)s can sign in again.") % {"account": username})
        else:
            messages.info(request, _("%(account)s was not locked.") % {"account": username})
        return redirect("lockouts-dashboard:list")
    return render(
        request, "accounts/lockout_list.html", {"form": form, "lockouts": selectors.lockouts()}
    )
