"""Personal data (Decree 13/2023/NĐ-CP): consents, data downloads, erasure, the operators'
register, and the retention table applied daily (``retention``).

What erasure does with each model holding a buyer's personal data (``services._anonymise``,
``services._guest_carry_out``, ``traces``). A guest's erasure covers the one order its signed
link names, with its e-mail address and delivery phone.

=================================  ======================================  ===================
Model                              Personal data                           On erasure
=================================  ======================================  ===================
auth.User, accounts.Profile        name, e-mail, username, phone           ANONYMISE (inactive,
                                                                           unusable password)
address.UserAddress                the address book                        DELETE
order.Order                        guest e-mail                            REDACT; number,
                                                                           amounts KEEP (10 y)
order.ShippingAddress,             name, address, phone, notes             ANONYMISE ("—")
order.BillingAddress
order.Line, payments.Payment-      none of the buyer's (amounts,           KEEP (accounting)
Attempt, Refund, PaymentAction,    references, statuses)
settlements.Entry, Statement
payments.GatewayCall               request/response bodies (name,          REDACT personal keys
                                   e-mail, phone, address, IP);            and the buyer's
                                   remote address                          words; amounts,
                                                                           references, status,
                                                                           signature outcome
                                                                           KEEP
payments.BankCredit                the bank's statement line               KEEP (accounting)
zns.ZnsMessage                     phone, e-mail (parameters are not       REDACT phone and
                                   stored)                                 e-mail
communication.Email,               e-mails and messages sent (the          DELETE
communication.Notification         account's, the guest's address's)
customer.ProductAlert              e-mail                                  DELETE
analytics.UserSearch, UserRecord,  searches, views                         DELETE
UserProductView
fulfilment.CarrierCallback         body (recipient's name, phone,          REDACT (JSON, form;
                                   address)                                unreadable: whole)
fulfilment.CarrierEvent,           the carrier's words (may name the       REDACT the buyer's
Shipment.waybill_error             recipient); waybill requests are not    name, phone, e-mail
                                   stored
axes.AccessAttempt,                the account's e-mail as username, IP    DELETE
AccessFailureLog, AccessLog
reviews.ProductReview              author's name and e-mail                REDACT; review KEEP
complaints.Complaint, Step, Photo  description, buyer's words, bank        REDACT ("—"), photos
                                   account, photos                         DELETE; decisions,
                                                                           amounts KEEP
partner.Follow, wishlists.WishList follows, favourites                     DELETE
privacy.Consent, PrivacyRequest    who consented or asked                  KEEP as proof, 5 y
                                                                           (subject: "Account
                                                                           #n (erased)")
traceability lot events            a person's name and coordinates         erasable commitments
                                                                           (origin v2, by an
                                                                           operator)
traceability.LotScan,              keyed digests, ids (no name, no         KEEP (scans purged
province.BuyerDay                  address)                                after 90 days)
outbox.OutboxMessage               task arguments (ids only)               KEEP (forgotten
                                                                           after
                                                                           OUTBOX_KEEP_DAYS)
=================================  ======================================  ===================
"""
