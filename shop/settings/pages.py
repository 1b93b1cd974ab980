"""Settings of the page cache (shop/pagecache.py) and of the visitors' parts of pages
(shop/personal)."""

import os

# Pages are kept PAGE_CACHE_SECONDS (0: no page cache).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
# The query parameters that change what a public page shows (listings, search, content pages);
# any other parameter (tracking tags, junk) is ignored by the page cache.
PAGE_CACHE_QUERY_PARAMETERS = frozenset(
    {
        "page",
        "q",
        "sort",
        "sort_by",
        "ocop",
        "province",
        "price_min",
        "price_max",
        "selected_facets",
        "kind",
        "format",
        "linkType",
        "month",
    }
)
# The pages a visitor with a session, a basket or an account is served from the shared cache,
# their own parts filled in: the pages for browsing the floor, which show everyone the same
# but for those parts. Any other page is rendered for its visitor.
PAGE_CACHE_SHARED_VIEWS = frozenset(
    {
        "wagtail_serve",
        "content-search",
        "catalogue:index",
        "catalogue:category",
        "catalogue:detail",
        "catalogue:range",
        "catalogue:origin-index",
        "catalogue:origin",
        "catalogue:origin-ward",
        "catalogue:reviews-list",
        "search:search",
        "producers:index",
        "producers:detail",
        "figures:index",
    }
)
# A product page states the exact stock left (as the quantity field's maximum) only when this
# many or fewer are left, so that an order renews the cached pages only when it leaves a product
# there or sells it out (shop/partner/stock.py); above it the field allows QUANTITY_FIELD_MAX
# and adding to the basket says how many can be bought.
STOCK_EXACT_AT_MOST = 10
QUANTITY_FIELD_MAX = 99
# A visitor's state (their basket's count and total, favourites, follows, delivery province,
# roles) is kept this long at most; any change to it is seen at once.
PERSONAL_STATE_SECONDS = int(os.environ.get("PERSONAL_STATE_SECONDS", "3600"))
