"""The producer's choice of e-mail or Zalo, as a form any of its settings pages can show."""

from django import template

from shop.producers.forms import MessagesForm

register = template.Library()


@register.inclusion_tag("producers/dashboard/_messages_form.html")
def producer_messages_form(producer):
    return {
        "producer": producer,
        "messages_form": MessagesForm(initial={"notify_channel": producer.notify_channel}),
    }
