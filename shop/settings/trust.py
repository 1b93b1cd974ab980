"""Trust between buyers and producers: reviews, wishlists and follows, complaints, the
satisfaction index. Every window and deadline is a setting (environment variables in
production)."""

import os

# Reviews: only of a delivered line; the invitation e-mail goes this many days after delivery.
REVIEW_INVITE_DAYS = int(os.environ.get("REVIEW_INVITE_DAYS", "3"))
# Oscar: reviews from signed-in buyers only, published at once (operators hide afterwards).
OSCAR_ALLOW_ANON_REVIEWS = False
OSCAR_MODERATE_REVIEWS = False

# Following a producer: news of its new products and opened seasons, at most this often.
FOLLOW_DIGEST_DAYS = int(os.environ.get("FOLLOW_DIGEST_DAYS", "7"))
# A season opens when a product that had had nothing to sell for this many days is restocked.
FOLLOW_SEASON_GAP_DAYS = int(os.environ.get("FOLLOW_SEASON_GAP_DAYS", "30"))

# Complaints: the buyer may open one this many days after delivery (or after the promised date
# when the parcel is late); the producer answers within COMPLAINT_ANSWER_HOURS, else operators
# take it; the buyer replies to a proposal or a rejection within COMPLAINT_BUYER_DAYS, after
# which the producer's answer stands.
COMPLAINT_WINDOW_DAYS = int(os.environ.get("COMPLAINT_WINDOW_DAYS", "7"))
COMPLAINT_ANSWER_HOURS = int(os.environ.get("COMPLAINT_ANSWER_HOURS", "48"))
COMPLAINT_BUYER_DAYS = int(os.environ.get("COMPLAINT_BUYER_DAYS", "7"))
COMPLAINT_MAX_PHOTOS = 3
# A complaint counts as resolved in time when its outcome is settled (the producer's accepted
# answer, the buyer's acceptance or the operators' decision) within this many days of opening:
# the seven working days the consumer protection law gives a business to answer, kept simple.
COMPLAINT_RESOLVE_DAYS = int(os.environ.get("COMPLAINT_RESOLVE_DAYS", "7"))
