"""E-mail to people: one way to queue it, one way to render and send it.

A service queues a notification with `notify`, inside its transaction: the outbox row commits
with the change (or not at all) and a worker carries it out once, retrying with backoff while
the mail server is down (``shop.outbox``). The row holds the notification task's name and ids,
nothing else. The task (``<app>/tasks.py``) loads its objects by id, says who gets which
template in which language, and hands that to `message_send`: by Zalo for those who chose
it (``shop.zns``), else by `email_send`, the only place that sends mail.

Rendering happens when the e-mail is sent, not when it is queued:

- the e-mail shows things as they are when it leaves (an order's shipments and tracking, a
  statement's status), and every retry renders the same way;
- links that carry a token (set your password, an applicant's status page, an order's payment
  page) are made when they leave: no secret waits in the outbox table (which operators can
  read, and which keeps done rows for ``OUTBOX_KEEP_DAYS``), and a link's validity starts
  when the person can use it;
- the outbox row stays a few JSON ids, and a broken template fails the e-mail (kept, retried,
  shown in the admin with its error), never the payment or the decision that queued it.

Templates: ``templates/notifications/<name>/subject.txt`` (one line), ``body.txt`` (plain
text, ``{% autoescape off %}``) and, optionally, ``body.html``. Without ``body.html`` the HTML
alternative is the text body, escaped, with its links made clickable
(``notifications/text.html``). Every template sees ``site_url``, ``shop_name`` and ``site``
(Oscar's e-mail layout signs with ``site.name``).
"""

from collections.abc import Iterable, Mapping
from typing import Any

from celery import Task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import engines
from django.template.loader import render_to_string, select_template
from django.utils import translation

from shop.channels import Channel
from shop.outbox.services import outbox_enqueue
from shop.zns.services import has_template, zns_notify

TEXT_AS_HTML = "notifications/text.html"


def notify(task: Task, /, *, key: str = "", **ids: int | str) -> None:
    """Queue the notification `task` (with `ids`) in the caller's transaction; a worker sends
    it once that commits. `key` names the e-mail: a second `notify` with the same key is
    ignored, so it goes out once; without a key, each call is an e-mail of its own."""
    outbox_enqueue(task=task.name, kwargs=ids, key=key)


def email_send(
    *,
    template: str,
    to: Iterable[str],
    language: str,
    context: Mapping[str, Any] | None = None,
    user=None,
    edited: Mapping[str, str] | None = None,
) -> EmailMultiAlternatives | None:
    """Render `template` in `language` and send it to the addresses in `to` (text and HTML).

    Called by the notification tasks, in a worker. Errors of the mail server are raised: the
    outbox tries again later. `user`, when the e-mail goes to a customer's account, keeps a
    copy in their e-mail history (Oscar's). `edited` holds template text an operator wrote in
    the dashboard (Oscar's "e-mail templates"): its ``subject``, ``body`` or ``html`` replaces
    the file's. None when there is nobody to write to.
    """
    recipients = [address for address in to if address]
    if not recipients:
        return None
    with translation.override(language):
        context = {
            "site_url": settings.SITE_URL,
            "shop_name": settings.OSCAR_SHOP_NAME,
            "site": {"name": settings.OSCAR_SHOP_NAME},  # Oscar's e-mail footer signs with it
            **(context or {}),
        }
        edited = edited or {}

        def part(name: str, file: str) -> str:
            if name in edited:
                return engines["django"].from_string(edited[name]).render(context)
            return render_to_string(f"notifications/{template}/{file}", context)

        subject = " ".join(part("subject", "subject.txt").split())  # one line
        text = part("body", "body.txt")
        if "html" in edited:
            html = part("html", "body.html")
        else:
            html = select_template([f"notifications/{template}/body.html", TEXT_AS_HTML]).render(
                {**context, "text": text}
            )
    email = EmailMultiAlternatives(subject, text, None, recipients)
    email.attach_alternative(html, "text/html")
    email.send()
    if user is not None and settings.OSCAR_SAVE_SENT_EMAILS_TO_DB:
        _history_record(user=user, email=email, html=html)
    return email


def message_send(
    *,
    recipient,
    template: str,
    context: Mapping[str, Any],
    edited: Mapping[str, str] | None = None,
    to: Iterable[str] | None = None,
) -> None:
    """Tell `recipient` (``shop.recipients.Recipient``) about `template`: by Zalo (ZNS) when
    they chose Zalo, have a phone and the notification has a ZNS template; otherwise, or when
    Zalo cannot deliver it (not on Zalo, refused, out of quota, down), by e-mail, and the
    fallback is recorded (``shop.zns``, shown to operators). `to` replaces the recipient's
    address for the e-mail (a producer without one of its own writes to its users)."""
    by_zalo = recipient.channel == Channel.ZALO and recipient.phone and has_template(template)
    if by_zalo and zns_notify(recipient=recipient, template=template, context=context):
        return
    email_send(
        template=template,
        to=list(to) if to is not None else [recipient.email],
        language=recipient.language,
        context=context,
        user=recipient.user,
        edited=edited,
    )


def _history_record(*, user, email: EmailMultiAlternatives, html: str) -> None:
    """The copy a customer sees in their account's e-mail history (what Oscar's Dispatcher
    kept for the e-mails it sent to a user)."""
    from oscar.core.loading import get_model

    get_model("communication", "Email").objects.create(
        user=user, email=user.email, subject=email.subject, body_text=email.body, body_html=html
    )
