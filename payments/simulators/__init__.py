"""Local stand-ins for the payment gateways, for development and tests only.

Each speaks its gateway's real protocol from the gateway's side of the wire: `vnpay` (VNPay's
pay page, IPN and merchant API), `stripe` (a local Stripe API server), and the bank feed
(`views.bank_transfer`). `views` serves their pages; `urls` mounts them under
`/payments/simulator/`. Every view is a 404 unless settings.PAYMENT_SIMULATORS is on, which
production settings force off.
"""
