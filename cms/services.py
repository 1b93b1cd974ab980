"""Writes to the content tree: the home page, locales, translations, scheduled publishing."""

from collections.abc import Mapping

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)
from wagtail_localize.models import (
    LocaleSynchronization,
    StringSegment,
    StringTranslation,
    Translation,
    TranslationSource,
)
from wagtail_localize.strings import StringValue

from cms.models import HomePage
from shop import links

DEFAULT_HERO = {
    "heading": "Đặc sản vùng cao, từ tay người làm ra",
    "text": (
        "Mật ong bạc hà, chè Shan Tuyết, cam sành, thịt trâu gác bếp… "
        "mua trực tiếp từ hộ sản xuất và hợp tác xã, nguồn gốc minh bạch."
    ),
    "image": None,
    "link": {"label": "Vào chợ", "page": None, "url": "/shop/"},
}


def locales_ensure() -> dict[str, Locale]:
    """A locale for each content language; the others follow the default language's tree."""
    locales = {
        code: Locale.objects.get_or_create(language_code=code)[0]
        for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES
    }
    source = locales[settings.LANGUAGE_CODE]
    for code, locale in locales.items():
        if code != settings.LANGUAGE_CODE:
            LocaleSynchronization.objects.get_or_create(
                locale=locale, defaults={"sync_from": source}
            )
    return locales


def _tree_roots() -> Page:
    """The root of the page tree and of the collections (Wagtail's migrations create both; a
    database emptied by a test flush has neither)."""
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=Locale.get_default()))
    return root


@transaction.atomic
def home_page_ensure() -> HomePage:
    """Make a HomePage the root of the default site, replacing Wagtail's welcome page."""
    locales_ensure()
    default_locale = Locale.get_default()
    home = HomePage.objects.filter(locale=default_locale).first()
    if home is None:
        root = _tree_roots()
        home = HomePage(
            title="Chợ Phiên",
            slug="trang-chu",
            locale=default_locale,
            body=[("hero", DEFAULT_HERO)],
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    old_root = site.root_page if site else None
    if site is None:
        hostname, port = links.site_host_and_port()
        Site.objects.create(
            hostname=hostname,
            port=port,
            root_page=home,
            is_default_site=True,
            site_name="Chợ Phiên",
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.site_name = "Chợ Phiên"
        site.save()
        if old_root is not None and old_root.specific_class is Page and old_root.depth == 2:
            old_root.delete()
    return home


WORKFLOW = "Moderators approval"
PAGE_PERMISSIONS = {
    "Editors": ("add_page", "change_page"),
    "Moderators": ("add_page", "change_page", "publish_page", "lock_page", "unlock_page"),
}
COLLECTION_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
)


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _migration_permission(app_label: str, model: str, codename: str, name: str) -> Permission:
    """A permission that a migration (not a model's Meta) creates, so it is made again here."""
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


@transaction.atomic
def editorial_workflow_ensure() -> Workflow:
    """Editors add and change pages and submit them; Moderators approve and publish.

    Every page goes through the "Moderators approval" task before it is live. Wagtail sets this
    up on a new site; this keeps it so for the demo (and for tests that empty the database).
    """
    root = _tree_roots()
    collection = Collection.get_first_root_node()
    common = [
        _migration_permission("wagtailadmin", "admin", "access_admin", "Can access Wagtail admin"),
        _migration_permission(
            "wagtail_localize", "translation", "submit_translation", "Can submit translations"
        ),
    ]
    groups = {}
    for name, codenames in PAGE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*common)
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=group, page=root, permission=_permission("wagtailcore", codename)
            )
        for app_label, codename in COLLECTION_PERMISSIONS:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=_permission(app_label, codename)
            )
        groups[name] = group
    task = GroupApprovalTask.objects.filter(name=WORKFLOW).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=WORKFLOW)
    task.groups.add(groups["Moderators"])
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.get_or_create(page=root, defaults={"workflow": workflow})
    return workflow


class MissingTranslation(Exception):
    """A source string has no translation in the mapping given."""


@transaction.atomic
def page_translation_save(
    *, page: Page, locale: Locale, strings: Mapping[str, str], publish: bool = True, user=None
) -> Page:
    """Translate `page` into `locale` through wagtail-localize, from a source -> target mapping.

    The translation is an ordinary wagtail-localize translation: editors can revise it in the
    translation editor, and it is updated when the source changes and is synced again. The
    parent page must be translated first.
    """
    source, _created = TranslationSource.update_or_create_from_instance(page)
    translation, _ = Translation.objects.get_or_create(
        source=source, target_locale=locale, defaults={"enabled": True}
    )
    missing = []
    segments = StringSegment.objects.filter(source=source).select_related("string", "context")
    for segment in segments:
        # Segments hold HTML: inline markup of rich text, entities elsewhere ("&amp;").
        html = segment.string.data
        target = strings.get(html)
        if target is None:
            plain = StringValue(html).render_text()
            target = strings.get(plain)
            if target is None:
                missing.append(plain)
                continue
            target = StringValue.from_plaintext(target).data
        StringTranslation.objects.update_or_create(
            translation_of=segment.string,
            locale=locale,
            context=segment.context,
            defaults={
                "data": target,
                "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL,
                "last_translated_by": user,
            },
        )
    if missing:
        raise MissingTranslation(f"{page.title}: no translation for {missing!r}")
    translated, _created = source.create_or_update_translation(
        locale, user=user, publish=False, copy_parent_pages=False
    )
    translation.destination_last_updated_at = timezone.now()
    translation.save(update_fields=["destination_last_updated_at"])
    if publish:
        # Published here rather than on commit, so the page is live as soon as this returns.
        translated.get_latest_revision().publish(user=user)
        translated.refresh_from_db()
    return translated.specific


def scheduled_pages_publish() -> None:
    """Publish pages whose go-live time has come and unpublish expired ones (Wagtail's own
    `publish_scheduled` command; Celery beat runs it every minute)."""
    call_command("publish_scheduled", verbosity=0)
